"""A publisher's bot as gazu scripts write them, sent as gazu sends each call to Kitsu's API
(Clapper serves it at /api), with the standard library only:

    KITSU_HOST=http://127.0.0.1:3000/api KITSU_TOKEN=<bot token> \\
        python3 kitsu_publish.py <project> <sequence> <shot> <task type> [comment]

In gazu this is:

    project = gazu.project.get_project_by_name(project_name)
    sequence = gazu.shot.new_sequence(project, sequence_name)
    shot = gazu.shot.new_shot(project, sequence, shot_name, frame_in=1001, frame_out=1100)
    task_type = gazu.task.get_task_type_by_name(task_type_name)
    task = gazu.task.new_task(shot, task_type)
    wfa = gazu.task.get_task_status_by_short_name("wfa")
    gazu.task.add_comment(task, wfa, comment)
    last = gazu.task.get_last_comment_for_task(task)

Each function below sends what the gazu function of its name sends (docs/gazu-requests.md):
the get-or-create calls look first, then create. Prints one JSON line: the shot, the task,
its status and the last comment's text.
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


def send(method: str, path: str, params: dict | None = None, body: dict | None = None):
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    data = None if body is None else json.dumps(body).encode()
    headers = HEADERS if body is None else {**HEADERS, "Content-Type": "application/json"}
    request = urllib.request.Request(f"{HOST}/{path}{query}", data, headers, method=method)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def fetch_first(path: str, params: dict):
    found = send("GET", f"data/{path}", params)
    return found[0] if found else None


def get_project_by_name(name: str):
    return fetch_first("projects", {"name": name})


def new_sequence(project: dict, name: str):
    existing = fetch_first("sequences", {"project_id": project["id"], "name": name})
    return existing or send(
        "POST", f"data/projects/{project['id']}/sequences", body={"name": name}
    )


def new_shot(project: dict, sequence: dict, name: str, frame_in: int, frame_out: int):
    existing = fetch_first("shots/all", {"sequence_id": sequence["id"], "name": name})
    body = {
        "name": name,
        "data": {"frame_in": frame_in, "frame_out": frame_out},
        "sequence_id": sequence["id"],
    }
    return existing or send("POST", f"data/projects/{project['id']}/shots", body=body)


def new_task(entity: dict, task_type: dict, name: str = "main"):
    status = fetch_first("task-status", {"is_default": True})
    existing = fetch_first(
        "tasks", {"name": name, "task_type_id": task_type["id"], "entity_id": entity["id"]}
    )
    body = {
        "project_id": entity["project_id"],
        "entity_id": entity["id"],
        "task_type_id": task_type["id"],
        "task_status_id": status["id"],
        "assignees": [],
        "name": name,
    }
    return existing or send("POST", "data/tasks", body=body)


def add_comment(task: dict, status: dict, comment: str):
    body = {
        "task_status_id": status["id"],
        "comment": comment,
        "checklist": [],
        "links": [],
        "for_client": False,
    }
    return send("POST", f"actions/tasks/{task['id']}/comment", body=body)


def main() -> int:
    project_name, sequence_name, shot_name, task_type_name = sys.argv[1:5]
    comment = sys.argv[5] if len(sys.argv) > 5 else "Published"
    try:
        project = get_project_by_name(project_name)
        if project is None:
            print(f"kitsu_publish: no project named {project_name}", file=sys.stderr)
            return 1
        sequence = new_sequence(project, sequence_name)
        shot = new_shot(project, sequence, shot_name, 1001, 1100)
        task_type = fetch_first("task-types", {"name": task_type_name})
        task = new_task(shot, task_type)
        wfa = fetch_first("task-status", {"short_name": "wfa"})
        add_comment(task, wfa, comment)
        last = fetch_first(f"tasks/{task['id']}/comments", {})
    except urllib.error.HTTPError as error:
        body = json.loads(error.read() or b"{}")
        print(f"kitsu_publish: {error.code} {body.get('message')}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "shot": {"id": shot["id"], "name": shot["name"], "sequence_id": shot["parent_id"]},
                "task": task["id"],
                "status": last["task_status"]["short_name"],
                "comment": last["text"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
