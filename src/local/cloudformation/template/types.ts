/** The parsed shape of a CloudFormation template (after JSON or YAML parsing, before evaluation). */

/** Any JSON-like template value; intrinsic functions are one-key objects (`{Ref: x}`, `{'Fn::Sub': ...}`). */
export type TemplateValue =
  string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateObject = { [key: string]: TemplateValue };

export interface ParameterDeclaration {
  Type: string;
  Default?: TemplateValue;
  Description?: string;
  AllowedValues?: TemplateValue[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  NoEcho?: boolean | string;
  ConstraintDescription?: string;
}

export interface ResourceDeclaration {
  Type: string;
  Properties?: TemplateObject;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: TemplateValue;
  CreationPolicy?: TemplateValue;
  UpdatePolicy?: TemplateValue;
}

export interface OutputDeclaration {
  Value: TemplateValue;
  Description?: string;
  Condition?: string;
  Export?: { Name: TemplateValue };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: TemplateValue;
  Parameters: Record<string, ParameterDeclaration>;
  Mappings: Record<string, Record<string, Record<string, TemplateValue>>>;
  Conditions: Record<string, TemplateValue>;
  Resources: Record<string, ResourceDeclaration>;
  Outputs: Record<string, OutputDeclaration>;
  Transform?: TemplateValue;
}

/** A parameter value after resolution: lists for list types, strings otherwise. */
export type ParameterValue = string | string[];
