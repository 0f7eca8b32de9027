"""The servers the benchmark starts, each in its own process: `python -m bench.servers KIND`.

Each listens on a loopback port the system picks, prints `{"port": N}` on its
first line of output once it accepts connections, and stops when its standard
input closes (so it never outlives the benchmark), on SIGTERM, or after
`--max-seconds` at the latest.
"""
