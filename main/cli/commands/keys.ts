import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { readSecretFromStdin } from '../io';
import { printData } from '../output';
import { parseWholeNumber } from '../parse';
import { CERTIFICATE_FILE, readInputFile } from '../input-files';

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
      await mkdir(options.out, { recursive: true });
      const cerPath = join(options.out, `${generated.suggestedFileBase}.cer`);
      const pfxPath = join(options.out, `${generated.suggestedFileBase}.pfx`);
      await writeFile(cerPath, Buffer.from(generated.cerBase64, 'base64'));
      await writeFile(pfxPath, Buffer.from(generated.pfxBase64, 'base64'), { mode: 0o600 });
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
