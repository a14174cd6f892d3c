#!/usr/bin/env bash
# run.sh [SHARDS] - tunes ../lib/kernels.c on a Slurm cluster: a job array
# of SHARDS tasks (default 2), each one shard (tune.sbatch), then one job
# that merges their databases and writes build/kernels.tuned.c
# (merge.sbatch) once every shard has succeeded. MSCC and TRIALS pass
# through to the jobs.
set -euo pipefail
cd "$(dirname "$0")"
shards=${1:-2}
mkdir -p logs
jid=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" tune.sbatch)
sbatch --parsable --export=ALL --dependency="afterok:${jid%%;*}" merge.sbatch
