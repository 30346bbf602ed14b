"""Site search (全站检索): one index of every public object, written with its publication."""
