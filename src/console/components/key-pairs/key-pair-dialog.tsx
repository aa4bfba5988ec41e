import { useState, type FormEvent } from 'react';
import { useAddKeyPair } from '../../aws/queries/key-pairs';
import { notify } from '../../lib/notices';
import { ApiPreview } from '../ui/api-preview';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorState } from '../ui/error-state';

const field =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

function saveFile(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * "Create key pair" and "Import key pair" for a key-pair field: EC2 CreateKeyPair (the private key is
 * downloaded at once: EC2 never returns it again) or ImportKeyPair (a public key). `onAdded` gets the name.
 */
export function KeyPairButtons({ onAdded }: { onAdded: (name: string) => void }) {
  const [mode, setMode] = useState<'create' | 'import' | null>(null);
  const [name, setName] = useState('');
  const [type, setType] = useState<'rsa' | 'ed25519'>('ed25519');
  const [publicKey, setPublicKey] = useState('');
  const [saved, setSaved] = useState<{ name: string; material: string } | null>(null);
  const add = useAddKeyPair();
  const valid = /^[\x20-\x7e]{1,255}$/.test(name) && (mode === 'create' || publicKey.trim() !== '');
  const call =
    mode === 'import'
      ? { operation: 'ImportKeyPair' as const, input: { KeyName: name, PublicKeyMaterial: publicKey.trim() } }
      : { operation: 'CreateKeyPair' as const, input: { KeyName: name, KeyType: type, KeyFormat: 'pem' } };
  const close = () => {
    setMode(null);
    setSaved(null);
    add.reset();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // React events bubble through portals: the form this dialog was opened from must not submit too.
    e.stopPropagation();
    if (!valid) return;
    add.mutate(call, {
      onSuccess: (kp) => {
        onAdded(kp.name);
        if (kp.material) {
          saveFile(kp.material, `${kp.name}.pem`);
          setSaved({ name: kp.name, material: kp.material });
          notify('success', `Key pair ${kp.name} created; its private key was downloaded as ${kp.name}.pem.`);
        } else {
          notify('success', `Key pair ${kp.name} imported.`);
          close();
        }
      },
    });
  };
  return (
    <>
      <div className="mt-1 flex flex-wrap gap-2">
        <Button size="sm" onClick={() => setMode('create')}>
          Create key pair
        </Button>
        <Button size="sm" onClick={() => setMode('import')}>
          Import key pair
        </Button>
      </div>
      <Dialog
        open={mode !== null}
        onClose={close}
        title={mode === 'import' ? 'Import a key pair' : 'Create a key pair'}
      >
        {saved ? (
          <div className="space-y-3 text-sm" data-testid="key-pair-created">
            <p>
              Key pair <strong>{saved.name}</strong> was created and its private key downloaded as{' '}
              <code>{saved.name}.pem</code>. EC2 never returns the private key again: keep that file.
            </p>
            <div className="flex justify-end gap-2">
              <Button onClick={() => saveFile(saved.material, `${saved.name}.pem`)}>Download again</Button>
              <Button variant="primary" onClick={close}>
                Done
              </Button>
            </div>
          </div>
        ) : (
          <form onSubmit={onSubmit} className="space-y-3 text-sm">
            <label className="flex flex-col gap-1">
              <span>Key pair name</span>
              <input
                className={field}
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoComplete="off"
              />
            </label>
            {mode === 'create' ? (
              <label className="flex flex-col gap-1">
                <span>Key type</span>
                <select
                  className={field}
                  value={type}
                  onChange={(e) => setType(e.target.value as 'rsa' | 'ed25519')}
                >
                  <option value="ed25519">ED25519</option>
                  <option value="rsa">RSA</option>
                </select>
              </label>
            ) : (
              <label className="flex flex-col gap-1">
                <span>Public key (OpenSSH format)</span>
                <textarea
                  className={`${field} font-mono text-xs`}
                  rows={4}
                  value={publicKey}
                  onChange={(e) => setPublicKey(e.target.value)}
                  placeholder="ssh-ed25519 AAAA… you@host"
                />
              </label>
            )}
            {valid && (
              <ApiPreview
                calls={[{ service: 'ec2', ...call }]}
                // PublicKeyMaterial is a blob: CLI v1 reads the JSON's text as its bytes, CLI v2 expects
                // base64 unless told otherwise.
                note={
                  mode === 'import'
                    ? 'PublicKeyMaterial is sent as the key’s text (the SDK base64-encodes it). With AWS CLI v2, add --cli-binary-format raw-in-base64-out.'
                    : undefined
                }
              />
            )}
            {add.isError && <ErrorState title="EC2 refused the key pair" error={add.error} />}
            <div className="flex justify-end gap-2">
              <Button onClick={close}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={!valid || add.isPending}>
                {mode === 'import' ? 'Import' : 'Create and download the private key'}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
