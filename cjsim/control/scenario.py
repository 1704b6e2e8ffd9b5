"""Control routes for scenarios: load one into a running simulator, see which faults fired.

``POST /__cjsim/scenario`` takes a scenario as JSON (at most ``max_scenario_bytes``), or
``{"name": "..."}`` for a bundled one (a name, never a file path: files are the CLI's),
and puts it on top of the active ones (all or nothing: a bad scenario is a 400 naming the
field, and nothing changed). ``GET`` answers ``{"active", "faults", "timeline"}``;
``DELETE`` drops every fault and timeline step (settings already applied stay).
"""

from __future__ import annotations

from flask import Response, request

from cjsim.app import json_response
from cjsim.control import BadInput, _body, _sim, blueprint


@blueprint.before_request
def _timeline_catches_up() -> None:
    """A read after the clock moved in-process sees the steps that became due."""
    _sim().faults.tick()


@blueprint.route("/scenario", methods=["GET", "POST", "DELETE"])
def scenario() -> Response:
    sim = _sim()
    if request.method == "POST":
        from cjsim.scenario.apply import activate  # scenarios load when one is posted
        from cjsim.scenario.errors import ScenarioError
        from cjsim.scenario.loader import load_bundled

        limit = sim.max_scenario_bytes
        if len(request.get_data(cache=True)) > limit:
            raise BadInput(f"the scenario is larger than {limit} bytes (the simulator's "
                           "max_scenario_bytes, cjsim serve --max-scenario-bytes)")
        body = _body()
        try:
            if set(body) == {"name"}:  # a bundled scenario; never a path on this machine
                if not isinstance(body["name"], str):
                    raise BadInput("name must be the name of a bundled scenario")
                activate(sim, load_bundled(body["name"], sim.routes.paths()))
            else:
                activate(sim, body)
        except ScenarioError as exc:
            raise BadInput(str(exc)) from None
        sim.faults.tick()
    elif request.method == "DELETE":
        sim.faults.clear()
    return json_response(sim.faults.describe())
