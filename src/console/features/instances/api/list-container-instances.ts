/** The container instances read lives in aws/queries (the services page reads it too). */
export * from '../../../aws/queries/container-instances';
