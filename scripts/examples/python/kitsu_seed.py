"""The Kitsu seed's example, sent as gazu sends it to Kitsu's API (Clapper serves it at /api),
with the standard library only:

    KITSU_HOST=http://127.0.0.1:3000/api KITSU_TOKEN=<bot token> python3 kitsu_seed.py MyProduction

The same requests as gazu.client.host_is_up(), gazu.client.get_current_user() and
gazu.project.get_project_by_name(name) (a script using gazu itself runs unchanged: only its
host and token point at Clapper). Prints one JSON line: whether the host is up, the current
user's full name, and the project's id and name (null when there is none).
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

HOST = os.environ.get("KITSU_HOST", "http://127.0.0.1:3000/api").rstrip("/")
HEADERS = {
    "User-Agent": "CGWire Gazu 1.1.12",
    "Authorization": f"Bearer {os.environ.get('KITSU_TOKEN', '')}",
}


def get(path: str, params: dict | None = None):
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{HOST}/{path}{query}", headers=HEADERS)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def host_is_up() -> bool:
    # gazu sends HEAD to the host itself, without a token.
    request = urllib.request.Request(HOST, method="HEAD")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "MyProduction"
    up = host_is_up()
    try:
        user = get("auth/authenticated")["user"]
        found = get("data/projects", {"name": name})
    except urllib.error.HTTPError as error:
        body = json.loads(error.read() or b"{}")
        print(f"kitsu_seed: {error.code} {body.get('message')}", file=sys.stderr)
        return 1
    project = found[0] if found else None
    print(
        json.dumps(
            {
                "up": up,
                "user": user["full_name"],
                "project": project and {"id": project["id"], "name": project["name"]},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
