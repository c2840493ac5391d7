"""Evaluation against gold labels written by people: ``crosswire eval KIND GOLD.jsonl``."""
