"""TA tools: build the notebooks from their Otter masters and grade submissions, each in a sandbox."""
