/**
 * Task placement through the Update service form (issue 11, service form): strategies and constraints
 * added, "What will change" naming them, the UpdateService sent equal to the JSON shown, and ECS keeping
 * them (DescribeServices). A "random" strategy sends no field.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { expect, seriousA11yViolations, test } from './fixtures';
import { EcsRequests, FormPage } from './pages/operate-pages';

test('update a service: placement strategies and constraints from the form', async ({ page, api }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const cluster = `place-${suffix}`;
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: cluster,
      containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 64, essential: true }],
    }),
  );
  await api.ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: cluster, desiredCount: 0 }),
  );

  const requests = new EcsRequests(page);
  const form = new FormPage(page);
  await page.goto(`/clusters/${cluster}/services/web/update`);
  await expect(form.field('Minimum healthy percent')).toHaveValue('100');
  await page.getByRole('button', { name: 'Add strategy' }).click();
  await form.fill('Strategy 1 field', 'attribute:ecs.availability-zone');
  await page.getByRole('button', { name: 'Add strategy' }).click();
  await form.select('Strategy 2 type', 'binpack');
  await form.fill('Strategy 2 field', 'memory');
  await page.getByRole('button', { name: 'Add strategy' }).click();
  await form.select('Strategy 3 type', 'random');
  await page.getByRole('button', { name: 'Add constraint' }).click();
  await form.select('Constraint 1 type', 'memberOf');
  await form.fill('Constraint 1 expression', 'attribute:ecs.instance-type =~ t2.*');
  await page.getByRole('button', { name: 'Add constraint' }).click();
  await expect(page.getByTestId('service-changes')).toContainText('placementStrategy');
  await expect(page.getByTestId('service-changes')).toContainText('placementConstraints');
  expect(await seriousA11yViolations(page), 'axe on the placement fields').toEqual([]);

  const placementStrategy = [
    { type: 'spread', field: 'attribute:ecs.availability-zone' },
    { type: 'binpack', field: 'memory' },
    { type: 'random' },
  ];
  const placementConstraints = [
    { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' },
    { type: 'distinctInstance' },
  ];
  const shown = await form.preview.shown('UpdateService');
  expect(shown).toEqual([{ cluster, service: 'web', placementStrategy, placementConstraints }]);
  await form.submit('Update service');
  await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/services/web$`));
  expect(await requests.waitFor('UpdateService')).toEqual(shown);
  const service = (await api.ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] })))
    .services?.[0];
  expect(service?.placementStrategy).toEqual(placementStrategy);
  expect(service?.placementConstraints).toEqual(placementConstraints);

  // Opened again, the form starts from the service as it is: nothing to change.
  await page.goto(`/clusters/${cluster}/services/web/update`);
  await expect(form.field('Strategy 2 type')).toHaveValue('binpack');
  await expect(form.field('Constraint 1 expression')).toHaveValue('attribute:ecs.instance-type =~ t2.*');
  await expect(page.getByRole('button', { name: 'Update service', exact: true })).toBeDisabled();
});
