"""Speed and memory measurements with budgets: `python -m benchmarks` prints one table.

Not tests: nothing here runs under pytest except one tiny-size run that checks
the suite still works. Figures are medians over several runs, and ratios are
taken against a baseline measured in the same run, because machines differ.
"""
