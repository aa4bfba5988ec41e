/**
 * A revision's own actions (issue 11, task definitions): "Create new revision" opens the form filled from
 * that revision and registers the next one; "Deploy this revision" picks a cluster and a service and sends
 * UpdateService. Each request sent equals the JSON the page showed; the service ends on the new revision.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { expect, seriousA11yViolations, test } from './fixtures';
import { ApiPreviewPanel, EcsRequests, FormPage, dialog } from './pages/operate-pages';

test('create a new revision from a revision, then deploy it to a chosen service', async ({ page, api }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const family = `rev-${suffix}`;
  const cluster = `rev-${suffix}`;
  await api.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image: 'httpd:2.4',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          environment: [{ name: 'MODE', value: 'blue' }],
        },
      ],
    }),
  );
  await api.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await api.ecs.send(
    new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: `${family}:1`, desiredCount: 0 }),
  );

  const requests = new EcsRequests(page);
  const form = new FormPage(page);
  await page.goto(`/task-definitions/${family}/1`);
  await page.getByRole('link', { name: 'Create new revision' }).click();
  await expect(page).toHaveURL(new RegExp(`/create-task-definition\\?from=${family}%3A1$`));
  // The form starts from revision 1: its family, image, port and environment.
  await expect(form.field('Family (task definition name)')).toHaveValue(family);
  await expect(form.field('Image')).toHaveValue('httpd:2.4');
  await expect(form.field('Variable 1 value')).toHaveValue('blue');
  await form.fill('Image', 'httpd:2.4-alpine');
  await form.fill('Variable 1 value', 'green');
  expect(await seriousA11yViolations(page), 'axe on the new-revision form').toEqual([]);
  const shownTd = await form.preview.shown('RegisterTaskDefinition');
  expect(shownTd[0]).toMatchObject({
    family,
    containerDefinitions: [
      {
        name: 'web',
        image: 'httpd:2.4-alpine',
        memory: 128,
        portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        environment: [{ name: 'MODE', value: 'green' }],
      },
    ],
  });
  await form.submit('Register task definition');
  await expect(page).toHaveURL(new RegExp(`/task-definitions/${family}/2$`));
  expect(await requests.waitFor('RegisterTaskDefinition')).toEqual(shownTd);

  // Deploy revision 2 to the service: the dialog shows the UpdateService it sends.
  await page.getByRole('button', { name: 'Deploy this revision' }).click();
  const deploy = dialog(page, `Deploy ${family}:2 to a service`);
  await deploy.getByLabel('Cluster', { exact: true }).selectOption(cluster);
  await deploy.getByLabel('Service', { exact: true }).selectOption('web');
  await expect(deploy.getByLabel('Service', { exact: true })).toContainText(`web (now ${family}:1)`);
  expect(await seriousA11yViolations(page), 'axe on the deploy dialog').toEqual([]);
  const shownUpdate = await new ApiPreviewPanel(deploy).shown('UpdateService');
  expect(shownUpdate).toEqual([
    {
      cluster,
      service: 'web',
      taskDefinition: `arn:aws:ecs:us-east-1:000000000000:task-definition/${family}:2`,
    },
  ]);
  await deploy.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(
    page.getByTestId('notice').filter({ hasText: `Service web is deploying ${family}:2.` }),
  ).toBeVisible();
  await expect(deploy).toBeHidden();
  expect(await requests.waitFor('UpdateService')).toEqual(shownUpdate);
  const service = (await api.ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] })))
    .services?.[0];
  expect(service?.taskDefinition).toMatch(new RegExp(`task-definition/${family}:2$`));

  // Opened again, the dialog starts afresh (no cluster, no service, no old error).
  await page.getByRole('button', { name: 'Deploy this revision' }).click();
  await expect(deploy.getByLabel('Cluster', { exact: true })).toHaveValue('');
  await expect(deploy.getByLabel('Service', { exact: true })).toHaveValue('');
  await expect(deploy.getByRole('button', { name: 'Deploy', exact: true })).toBeDisabled();
});
