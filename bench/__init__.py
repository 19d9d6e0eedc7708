"""Benchmark suite for the self-healing workspace (`make bench`): strategies, scaling, warm hook, feedback, memory."""
