"""A hub's user at work without a browser: logs in with their password, gets an API token of
their own from the hub, and runs Python in a kernel of their server and commands in one of
its terminals (both over the server's websockets, as JupyterLab does)."""

import json
import re
import time
import uuid

import requests
import websocket


class HubUser:
    """``name`` logged in to the hub at ``base``; their server started and ready."""

    def __init__(self, base, name, password):
        self.base, self.name = base, name
        login = requests.Session()
        login.get(f"{base}/hub/login", timeout=30)
        answer = login.post(f"{base}/hub/login", allow_redirects=False, timeout=60, data={
            "username": name, "password": password, "_xsrf": login.cookies.get("_xsrf")})
        assert answer.status_code == 302, f"{name} could not log in: {answer.status_code}"
        made = login.post(f"{base}/hub/api/users/{name}/tokens", json={"expires_in": 3600},
                          headers={"X-XSRFToken": login.cookies.get("_xsrf")}, timeout=30)
        assert made.status_code == 201, made.text
        self.headers = {"Authorization": f"token {made.json()['token']}"}
        self._wait_ready()
        self.server = f"{base}/user/{name}"

    def _wait_ready(self):
        requests.post(f"{self.base}/hub/api/users/{self.name}/server", headers=self.headers,
                      timeout=60)  # 400 when it already runs
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            model = requests.get(f"{self.base}/hub/api/users/{self.name}",
                                 headers=self.headers, timeout=30).json()
            if model.get("servers", {}).get("", {}).get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{self.name}'s server did not start within 180 s")

    def api(self, method, path, **kwargs):
        return requests.request(method, f"{self.server}/api/{path}", headers=self.headers,
                                timeout=60, **kwargs)

    def _socket(self, path):
        url = f"{self.server}/{path}".replace("http://", "ws://", 1)
        return websocket.create_connection(url, header=self.headers, timeout=120)

    def python(self, code):
        """Run ``code`` in a new kernel of the user's server; (stdout, error or None, the
        kernel's last execution state)."""
        kernel = self.api("POST", "kernels", json={"name": "python3"}).json()["id"]
        channel = self._socket(f"api/kernels/{kernel}/channels")
        msg_id, out, error, state = uuid.uuid4().hex, [], None, None
        channel.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False}}))
        try:
            while True:
                message = json.loads(channel.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    if message.get("msg_type") == "status":  # e.g. "dead", "restarting"
                        state = message["content"]["execution_state"]
                        if state in ("dead", "restarting"):
                            break
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    out.append(message["content"]["text"])
                elif kind == "error":
                    error = f"{message['content']['ename']}: {message['content']['evalue']}"
                elif kind == "status":
                    state = message["content"]["execution_state"]
                    if state == "idle":
                        break
        except (websocket.WebSocketConnectionClosedException,
                websocket.WebSocketTimeoutException) as gone:  # the kernel died with it
            state = type(gone).__name__
        finally:
            channel.close()
            self.api("DELETE", f"kernels/{kernel}")
        return "".join(out), error, state

    def shell(self, command):
        """Run ``command`` in a new terminal of the user's server; (its output, exit status)."""
        terminal = self.api("POST", "terminals").json()["name"]
        channel = self._socket(f"terminals/websocket/{terminal}")
        marker = uuid.uuid4().hex
        # The marker is typed split in two, so only the shell's answer holds it whole.
        channel.send(json.dumps(["stdin", f"{command}; echo {marker[:8]}''{marker[8:]}=$?\r"]))
        seen, status = "", None
        try:
            while status is None:
                kind, *data = json.loads(channel.recv())
                seen += data[0] if kind == "stdout" else ""
                status = re.search(f"{marker}=([0-9]+)\\s", seen)
        finally:
            channel.close()
            self.api("DELETE", f"terminals/{terminal}")
        return seen[:status.start()], int(status.group(1))
