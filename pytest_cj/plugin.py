"""The pytest plugin (entry point ``cj``). Fixtures arrive with the plugin issue."""

from __future__ import annotations
