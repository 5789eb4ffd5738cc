"""What the notebooks share: where the jobs' outputs are, and bin/inspect, the project's own
reader of Parquet and checkpoints, whose JSON they show (Debian has no pyarrow, and no format is
parsed twice).

Point the notebooks elsewhere with environment variables, before starting Jupyter:
  SPARKLM_DATA  a preprocessing output (default: out/data)
  SPARKLM_RUNS  training run directories, separated by ':' (default: SPARKLM_RUN, or out/run)
Local paths; copy HDFS outputs down with `hdfs dfs -get` (bin/inspect itself reads any Hadoop URI).
"""
import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(os.environ.get('SPARKLM_ROOT', pathlib.Path(__file__).resolve().parent.parent))
DATA = pathlib.Path(os.environ.get('SPARKLM_DATA', ROOT / 'out' / 'data'))
RUNS = [pathlib.Path(p) for p in
        os.environ.get('SPARKLM_RUNS', os.environ.get('SPARKLM_RUN', str(ROOT / 'out' / 'run'))).split(os.pathsep) if p]


def inspect(*args):
    """Runs bin/inspect with these arguments and returns its JSON (one JVM: 1.5-3 s)."""
    command = [str(ROOT / 'bin' / 'inspect'), *map(str, args)]
    r = subprocess.run(command, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {r.returncode}:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout)


def read_jsonl(path):
    return [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line.strip()]
