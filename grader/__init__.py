"""TA tools: build the notebooks from their masters and grade submissions with Otter."""
