import type { Command } from 'commander';
import { EngineError } from '../../engine/errors';
import type { CliContext } from '../context';
import { printData } from '../output';

/**
 * `prune [--dry-run] [--remove-unknown NAME…]`: Azure Stack's
 * pruneExternalStore. Lists (and without --dry-run removes) what is under
 * MASBackup\ and is not a complete backup; entries listed as Unknown only when
 * named. Exit 0 when everything due went; 3 (category general) when the share
 * refused to remove something; 4 when a backup is running on the share.
 */
export function registerPruneCommand(program: Command, ctx: CliContext): void {
  program
    .command('prune')
    .description(
      'remove what is not a backup under MASBackup\\ (unfinished backups of dead jobs, unfinished deletions, temporary and stale lock files)',
    )
    .option('--dry-run', 'only list what would be removed')
    .option('--remove-unknown <name...>', 'also remove these entries listed as Unknown (names as `prune --dry-run` shows them)')
    .action(async (options: { dryRun?: boolean; removeUnknown?: string[] }) => {
      const result = await ctx.call('pruneExternalStore', {
        operation: options.dryRun ? 'DryRun' : 'Default',
        ...(options.removeUnknown ? { removeUnknown: options.removeUnknown } : {}),
      });
      printData(ctx.io, ctx.json, result);
      const failed = result.items.filter((item) => item.action === 'failed');
      if (failed.length > 0)
        throw new EngineError({
          code: 'share',
          category: 'general',
          message: `${failed.length} entr${failed.length === 1 ? 'y' : 'ies'} under MASBackup could not be removed: ${failed.map((item) => item.name).join(', ')}.`,
          remediation:
            'The file server may still hold a file of an unfinished backup open (up to an hour after a lost connection), or the account may not delete there. Run prune again later.',
        });
    });
}
