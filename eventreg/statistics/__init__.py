"""Follow-up statistics for the unit's report to the region: who took part in what, per place,
theme and month, for any past term.

- ``models``: events and participation counted ahead of time, so a report reads few rows;
- ``counting``: keeps those counts in step with every commit that changes what they count;
- ``report``: the report itself, read from the counts.
"""
