"""Posts a comment with a status change on a task, with the Python client:

    CLAPPER_HOST=http://127.0.0.1:3000 CLAPPER_TOKEN=<bot token> \\
        python3 comment_with_status.py <task id> <status short name> <comment text>

Prints one JSON line: the comment's id, the task's new status (short name) and the text.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clapper  # noqa: E402


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    task_id, short_name, text = sys.argv[1:]
    clapper.set_host(os.environ.get("CLAPPER_HOST", "http://127.0.0.1:3000"))
    clapper.set_token(os.environ.get("CLAPPER_TOKEN", ""))
    try:
        status = clapper.task.get_task_status_by_short_name(short_name)
        if status is None:
            print(f"comment_with_status: no task status with short name {short_name!r}",
                  file=sys.stderr)
            return 1
        comment = clapper.task.add_comment(task_id, status, text)
        task = clapper.task.get_task(task_id)
    except clapper.ClapperError as error:
        print(f"comment_with_status: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"commentId": comment["id"], "status": task["status"]["shortName"],
                      "text": comment["text"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
