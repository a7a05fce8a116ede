#!/usr/bin/env python3
"""A Placet agent in Python with `requests`: asks a human to configure a deployment (a form review, as
in the Python example of the REST API guide) and long-polls until the form is submitted or expires.

    PLACET_URL=http://127.0.0.1:3001 PLACET_API_KEY=hp_... PLACET_CHANNEL_ID=... python3 python-agent.py

Exit status: 0 answered, 1 request failed, 2 configuration missing, 3 review expired.
"""
import os
import sys

try:
    import requests
except ImportError:
    sys.exit("python-agent: the requests package is required: pip install requests "
             "(or apt-get install python3-requests)")

PLACET_URL = os.environ.get("PLACET_URL", "").rstrip("/")
API_KEY = os.environ.get("PLACET_API_KEY") or os.environ.get("API_KEY", "")
CHANNEL_ID = os.environ.get("PLACET_CHANNEL_ID", "")

missing = [
    text for value, text in [
        (PLACET_URL, "PLACET_URL (e.g. http://127.0.0.1:3001)"),
        (API_KEY, "PLACET_API_KEY (or API_KEY): the hp_... key the server printed"),
        (CHANNEL_ID, "PLACET_CHANNEL_ID: the id of a channel (POST /api/v1/agents)"),
    ] if not value
]
if missing:
    print("python-agent: missing environment variables:\n  " + "\n  ".join(missing)
          + "\nSee examples/agents/README.md.", file=sys.stderr)
    sys.exit(2)

session = requests.Session()
session.headers["x-api-key"] = API_KEY


def api(method, path, **kwargs):
    """One API call; raises RuntimeError with the server's message on an HTTP error."""
    # (connect, read) timeouts: a long-poll holds up to 30 s.
    res = session.request(method, f"{PLACET_URL}/api/v1{path}", timeout=(10, 45), **kwargs)
    if not res.ok:
        try:
            message = res.json().get("message", res.text)
        except ValueError:
            message = res.text
        raise RuntimeError(f"{method} {path} answered {res.status_code}: {message}")
    return res.json()


def main():
    msg = api("POST", "/messages", json={
        "channelId": CHANNEL_ID,
        "text": "Please configure the deployment:",
        "review": {
            "type": "form",
            "payload": {
                "fields": [
                    {"name": "env", "type": "select", "label": "Environment", "required": True,
                     "options": [
                         {"value": "staging", "label": "Staging"},
                         {"value": "production", "label": "Production"},
                     ]},
                    {"name": "instances", "type": "number", "label": "Instances", "min": 1, "max": 10},
                ],
                "submitLabel": "Deploy",
            },
        },
    })
    print(f"Asked for the deployment settings (message {msg['id']}); waiting for a human...", flush=True)

    while True:
        result = api("GET", f"/reviews/{msg['id']}/wait",
                     params={"channel": CHANNEL_ID, "timeout": 30000})
        status = result.get("status")
        if status == "completed":
            response = result["message"]["review"]["response"]
            # "instances" is optional in the form: the human may leave it empty (null).
            instances = response.get("instances")
            print(f"Deploy to {response['env']} with {instances if instances is not None else 1} instances")
            return 0
        if status == "expired":
            print("Review expired")
            return 3
        # "timeout": nobody answered within 30 s, poll again.


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (requests.RequestException, RuntimeError) as error:
        print(f"python-agent: {error}", file=sys.stderr)
        sys.exit(1)
