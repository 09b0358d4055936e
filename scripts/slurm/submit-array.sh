#!/usr/bin/env bash
# Submits K shard jobs (a Slurm job array) and a merge job that starts when all succeeded.
#   scripts/slurm/submit-array.sh K panel.csv result.json [analyze flags...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
K=${1:?usage: submit-array.sh K PANEL.csv OUT.json [analyze flags...]}
input=${2:?}
out=${3:?}
shift 3
parts=${PARTS_DIR:-klynge-parts-$(date +%s)}
array=$(sbatch --parsable --array="1-$K" "$here/analyze-array.sbatch" "$K" "$input" "$parts" "$@")
merge=$(sbatch --parsable --dependency="afterok:$array" "$here/merge.sbatch" "$parts" "$out")
echo "klynge: shards in job array $array, merge in job $merge; parts go to $parts, the report to $out"
