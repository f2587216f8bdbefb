"""``python -m bot schema``: the scenario format as JSON Schema, for editor autocompletion."""

from __future__ import annotations

import json

from bot.scenario.format import ScenarioFile


def scenario_schema() -> dict[str, object]:
    schema = ScenarioFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Practice scenario"
    return schema


def schema() -> int:
    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
    return 0
