"""Load benchmarks: survey-bot against a bare aiohttp ceiling and a plain botbuilder bot.

`python -m bench` (or `make bench`) runs them all; `python -m bench --quick`
is the few-second version that `make test` runs so the harness never rots.
"""
