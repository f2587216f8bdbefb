"""End-of-session reports for trainees (the openness plot).

Kept import-light: matplotlib is only imported when a plot is drawn, so
starting the bot or the CLI does not pay for it.
"""
