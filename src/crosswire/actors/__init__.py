"""Actors: one identity across languages, scripts and inflections (see docs/actors.md).

``kb`` loads the shipped knowledge base (built by ``build``), ``text`` folds words and knows
each language's endings and clitics, ``link`` finds and links names, ``unknown`` turns unknown
names into new actors, ``stage`` is the pipeline stage and commit hook, ``resolve`` serves the
read side (a typed name to an actor id, relinking).
"""
