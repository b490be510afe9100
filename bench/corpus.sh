#!/usr/bin/env bash
# Score juesuan against the hand-labelled real excerpts (recall, verdict agreement, false alarms).
# Run from the repo root: bash bench/corpus.sh [DIR]   (default ../shared/corpus/real)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/corpus/real}
PATH="$PWD/.venv/bin:$PATH" python3 ../shared/tools/score.py corpus "$dir"
