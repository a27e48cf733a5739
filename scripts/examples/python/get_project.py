"""The Kitsu seed's first example, with the Python client:

    CLAPPER_HOST=http://127.0.0.1:3000 CLAPPER_TOKEN=<bot token> python3 get_project.py MyProduction

Prints one JSON line: the project's id, name and team (names).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clapper  # noqa: E402


def main() -> int:
    clapper.set_host(os.environ.get("CLAPPER_HOST", "http://127.0.0.1:3000"))
    clapper.set_token(os.environ.get("CLAPPER_TOKEN", ""))
    name = sys.argv[1] if len(sys.argv) > 1 else "MyProduction"
    try:
        project = clapper.project.get_project_by_name(name)
    except clapper.ClapperError as error:
        print(f"get_project: {error}", file=sys.stderr)
        return 1
    team = [member["name"] for member in project["team"]]
    print(json.dumps({"id": project["id"], "name": project["name"], "team": team}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
