import { mkdir, rm } from 'node:fs/promises';
import { createNewFile, outputFileFailure } from '../../engine/app/output-file';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { readSecretFromStdin } from '../io';
import { printData } from '../output';
import { parseWholeNumber } from '../parse';
import { CERTIFICATE_FILE, readInputFile } from '../../engine/app/input-file';

export function registerKeyCommands(program: Command, ctx: CliContext): void {
  const cert = program.command('cert').description('offline certificate tooling');
  cert
    .command('new')
    .description('generate a self-signed encryption certificate: <name>.cer (public) and <name>.pfx (keep it safe)')
    .requiredOption('--dns-name <name>', 'DNS name for the subject and SAN')
    .option('--years <n>', 'validity in years (default 1)')
    .requiredOption('--out <dir>', 'folder to write the .cer and .pfx into')
    .requiredOption('--pfx-password-stdin', 'read the .pfx password from standard input')
    .action(async (options: { dnsName: string; years?: string; out: string }) => {
      const password = await readSecretFromStdin(ctx.io, 'pfx-password');
      const years = parseWholeNumber('years', options.years);
      const generated = await ctx.call('generateCertificate', {
        dnsName: options.dnsName,
        ...(years !== undefined ? { years } : {}),
        pfxPassword: password,
        pfxPasswordConfirm: password,
      });
      // A new folder is this user's only: it holds a private key.
      await mkdir(options.out, { recursive: true, mode: 0o700 });
      const cerPath = join(options.out, `${generated.suggestedFileBase}.cer`);
      const pfxPath = join(options.out, `${generated.suggestedFileBase}.pfx`);
      // Never over an existing file or through a link (an old .pfx may still protect backups); the key first, and no half pair left.
      try {
        createNewFile(pfxPath, Buffer.from(generated.pfxBase64, 'base64'), 0o600);
      } catch (error) {
        throw outputFileFailure('out', pfxPath, error);
      }
      try {
        createNewFile(cerPath, Buffer.from(generated.cerBase64, 'base64'), 0o644);
      } catch (error) {
        await rm(pfxPath, { force: true });
        throw outputFileFailure('out', cerPath, error);
      }
      printData(ctx.io, ctx.json, { cer: cerPath, pfx: pfxPath, ...generated.certificate });
    });
  cert
    .command('inspect <file>')
    .description('show thumbprint, subject and validity of a .cer/.crt, and whether it is acceptable')
    .action(async (file: string) => {
      const bytes = await readInputFile('certificate', file, CERTIFICATE_FILE);
      printData(ctx.io, ctx.json, await ctx.call('inspectCertificate', { certificateBase64: bytes.toString('base64') }));
    });

  program
    .command('key')
    .description('legacy symmetric key tooling (backwards-compatibility mode only)')
    .command('new')
    .description('print a new legacy encryption key (base64 of 32 random bytes)')
    .action(async () => {
      const generated = await ctx.call('generateLegacyKey');
      printData(ctx.io, ctx.json, generated, () => `${generated.keyBase64}\n`);
    });
}
