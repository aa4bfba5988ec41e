/**
 * Import a key pair from the Create cluster form (issue 11, key pairs): an OpenSSH public key pasted in,
 * the ImportKeyPair input shown, the EC2 request carrying exactly that key, and the cluster's Key pair
 * field taking the new name. EC2 answers with the key's type and fingerprint.
 */
import { DescribeKeyPairsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { generateKeyPairSync } from 'node:crypto';
import type { Request } from '@playwright/test';
import { expect, seriousA11yViolations, test } from './fixtures';
import { consoleUrl } from './pages/dashboard-world';
import { ApiPreviewPanel, FormPage, dialog } from './pages/operate-pages';

/** A fresh ED25519 public key in OpenSSH format: "ssh-ed25519 <base64 of type and key> comment". */
function openSshEd25519(comment: string): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(Buffer.from(jwk.x ?? '', 'base64url'))]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

test('import a key pair from the Create cluster form', async ({ page }) => {
  const name = `imported-${Date.now().toString(36)}`;
  const publicKey = openSshEd25519('walk@example');
  const sent: string[] = [];
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/aws/ec2')) {
      const body = new URLSearchParams(r.postData() ?? '');
      if (body.get('Action') === 'ImportKeyPair') sent.push(body.toString());
    }
  });
  const form = new FormPage(page);
  await page.goto('/create-cluster');
  await page.getByRole('button', { name: 'Import key pair' }).click();
  const importing = dialog(page, 'Import a key pair');
  await importing.getByLabel('Key pair name').fill(name);
  // Not a key: EC2's refusal is shown verbatim and the dialog stays open to fix it.
  await importing.getByLabel('Public key (OpenSSH format)').fill('not a key');
  await importing.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importing.getByTestId('aws-error-message')).toContainText('OpenSSH public key format');
  await expect(importing.getByTestId('aws-error-code')).not.toBeEmpty();
  await importing.getByLabel('Public key (OpenSSH format)').fill(`${publicKey}\n`);
  const shown = await new ApiPreviewPanel(importing).shown('ImportKeyPair');
  expect(shown).toEqual([{ KeyName: name, PublicKeyMaterial: publicKey }]);
  await expect(importing.getByText('--cli-binary-format raw-in-base64-out')).toBeVisible();
  expect(await seriousA11yViolations(page), 'axe on the import dialog').toEqual([]);
  await importing.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importing).toBeHidden();
  await expect(page.getByTestId('notice').filter({ hasText: `Key pair ${name} imported.` })).toBeVisible();
  await expect(form.field('Key pair')).toHaveValue(name);

  // The request carried the key's text (base64 on the wire), nothing else.
  expect(sent).toHaveLength(2);
  const body = new URLSearchParams(sent[1]);
  expect(body.get('KeyName')).toBe(name);
  expect(Buffer.from(body.get('PublicKeyMaterial') ?? '', 'base64').toString()).toBe(publicKey);
  const ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: consoleUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const kp = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name] }))).KeyPairs?.[0];
  expect(kp?.KeyType).toBe('ed25519');
  expect(kp?.KeyFingerprint).toMatch(/\S+/);
  ec2.destroy();
});
