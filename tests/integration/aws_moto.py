#!/usr/bin/env python3
"""Loopback AWS for awp's tests: moto in-process, made faithful where awp
depends on it, plus fault and latency injection and a SigV4 check.

  serve --port-file F [--verify-sigv4]   run on 127.0.0.1:<free port>
  upload --endpoint URL IMAGE            EBS direct StartSnapshot/PutSnapshotBlock/
                                         CompleteSnapshot of a raw image; prints snap id
  control --endpoint URL JSON            set faults/latency: {"faults": [{"match":
                                         "DescribeInstances", "status": 503, "code":
                                         "ServiceUnavailable", "count": 2}], "latency_ms": 100,
                                         "ebs_page_cap": 100, "reset_stats": true}
  stats --endpoint URL                   request counters as JSON

Where moto 5.2's EBS direct API differs from AWS and awp depends on it:
BlockSize is 524288 (moto says 512), BlockIndex is a number (moto sends a
string), ListSnapshotBlocks is paginated (maxResults/pageToken/
startingBlockIndex; moto returns everything) and sorted by index.
"""
import argparse
import base64
import hashlib
import io
import json
import sys
import threading
import time
import urllib.request

BLOCK = 512 * 1024
PAGE_CAP = [10000]  # ListSnapshotBlocks page size cap, set by control {"ebs_page_cap": N}


def patch_moto():
    from moto.ebs import models, responses

    orig_init = models.EBSSnapshot.__init__

    def init(self, *a, **kw):
        orig_init(self, *a, **kw)
        self.block_size = BLOCK

    models.EBSSnapshot.__init__ = init

    def list_snapshot_blocks(self):
        snapshot_id = self.path.split("?")[0].split("/")[-2]
        snap = self.ebs_backend.list_snapshot_blocks(snapshot_id=snapshot_id)
        q = self._get_params()
        maxr = min(int(q.get("maxResults") or 10000), PAGE_CAP[0])
        start = int(q.get("pageToken") or q.get("startingBlockIndex") or 0)
        idx = sorted(int(i) for i in snap.blocks)
        idx = [i for i in idx if i >= start]
        page, rest = idx[:maxr], idx[maxr:]
        out = {
            "Blocks": [{"BlockIndex": i, "BlockToken": snap.blocks[str(i)].block_token} for i in page],
            "VolumeSize": snap.volume_size,
            "BlockSize": snap.block_size,
        }
        if rest:
            out["NextToken"] = str(rest[0])
        return json.dumps(out)

    responses.EBSResponse.list_snapshot_blocks = list_snapshot_blocks


class Middleware:
    def __init__(self, app, verify):
        self.app = app
        self.verify = verify
        self.lock = threading.Lock()
        self.faults = []
        self.latency_ms = 0
        self.stats = {}

    def count(self, key):
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def reply(self, start_response, status, body, ctype="application/json"):
        b = body.encode() if isinstance(body, str) else body
        start_response(f"{status} X", [("Content-Type", ctype), ("Content-Length", str(len(b)))])
        return [b]

    def check_sig(self, environ, body):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return "no SigV4 Authorization header"
        parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        cred = parts["Credential"].split("/")
        signed = parts["SignedHeaders"].split(";")
        if cred[0] != "AKIDTESTAWP" or "Botocore" in environ.get("HTTP_USER_AGENT", ""):
            return None  # another key (e.g. assumed role): not checked
        hdrs = {}
        for h in signed:
            k = "HTTP_" + h.upper().replace("-", "_")
            if h == "content-type":
                k = "CONTENT_TYPE"
            hdrs[h] = environ.get(k, "")
        url = f"http://{environ['HTTP_HOST']}{environ.get('PATH_INFO', '')}"
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        req = AWSRequest(method=environ["REQUEST_METHOD"], url=url, headers=hdrs, data=body)
        req.context["timestamp"] = hdrs.get("x-amz-date")
        s = SigV4Auth(Credentials("AKIDTESTAWP", "awp/secret+TEST/key", environ.get("HTTP_X_AMZ_SECURITY_TOKEN")), cred[3], cred[2])
        s._headers_to_sign = lambda r: set(signed)  # noqa: sign what the client signed
        cr = s.canonical_request(req)
        sts = s.string_to_sign(req, cr)
        sig = s.signature(sts, req)
        return None if sig == parts["Signature"] else f"signature mismatch; canonical request:\n{cr}"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        try:
            n = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            n = 0
        body = environ["wsgi.input"].read(n) if n else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if path == "/_awp/control":
            cfg = json.loads(body or b"{}")
            with self.lock:
                if not cfg:  # {} resets everything
                    cfg = {"faults": [], "latency_ms": 0, "ebs_page_cap": 10000}
                self.faults = cfg.get("faults", self.faults)
                self.latency_ms = cfg.get("latency_ms", self.latency_ms)
                PAGE_CAP[0] = cfg.get("ebs_page_cap", PAGE_CAP[0])
                if cfg.get("reset_stats"):
                    self.stats = {}
            return self.reply(start_response, 200, "{}")
        if path == "/_awp/stats":
            with self.lock:
                return self.reply(start_response, 200, json.dumps(self.stats))
        action = ""
        if body.startswith(b"Action="):
            action = body.split(b"&")[0][7:].decode()
        elif "/blocks/" in path and environ["REQUEST_METHOD"] == "GET":
            action = "GetSnapshotBlock"
        elif path.endswith("/blocks") and environ["REQUEST_METHOD"] == "GET":
            action = "ListSnapshotBlocks"
        elif path.startswith("/latest/"):
            action = "IMDS"
        self.count(action or path)
        if self.verify and action != "IMDS":
            why = self.check_sig(environ, body)
            if why:
                self.count("SignatureDoesNotMatch")
                sys.stderr.write(f"aws_moto: {action}: {why}\n")
                return self.reply(start_response, 403, "<Response><Errors><Error><Code>SignatureDoesNotMatch</Code>"
                                  "<Message>bad signature</Message></Error></Errors></Response>", "text/xml")
        fault = None
        with self.lock:
            for f in self.faults:
                if f.get("count", 0) > 0 and f.get("match") in (action, "*"):
                    f["count"] -= 1
                    fault = dict(f)
                    break
            latency = self.latency_ms
        if fault:
            self.count("fault:" + action)
            code = fault.get("code", "ServiceUnavailable")
            if action in ("GetSnapshotBlock", "ListSnapshotBlocks"):
                return self.reply(start_response, fault["status"], json.dumps({"Message": "injected", "Reason": code}))
            return self.reply(start_response, fault["status"], f"<Response><Errors><Error><Code>{code}</Code>"
                              f"<Message>injected</Message></Error></Errors></Response>", "text/xml")
        if latency and action == "GetSnapshotBlock":
            time.sleep(latency / 1000.0)
        return self.app(environ, start_response)


def serve(args):
    patch_moto()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = Middleware(DomainDispatcherApplication(create_backend_app), args.verify_sigv4)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


def client(endpoint, service):
    import boto3
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDTESTAWP", aws_secret_access_key="awp/secret+TEST/key")


def upload(args):
    ebs = client(args.endpoint, "ebs")
    size = __import__("os").path.getsize(args.image)
    gib = max(1, (size + (1 << 30) - 1) >> 30)
    snap = ebs.start_snapshot(VolumeSize=gib, Description="awp test fixture")["SnapshotId"]
    zero = bytes(BLOCK)
    n = 0
    with open(args.image, "rb") as f:
        i = 0
        while True:
            b = f.read(BLOCK)
            if not b:
                break
            if len(b) < BLOCK:
                b += bytes(BLOCK - len(b))
            if b != zero:
                ck = base64.b64encode(hashlib.sha256(b).digest()).decode()
                ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=i, BlockData=b, DataLength=BLOCK,
                                       Checksum=ck, ChecksumAlgorithm="SHA256")
                n += 1
            i += 1
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=n)
    print(snap)
    print(f"{n} blocks uploaded", file=sys.stderr)


def control(args):
    req = urllib.request.Request(args.endpoint + "/_awp/control", data=args.json.encode(), method="POST")
    urllib.request.urlopen(req).read()


def stats(args):
    print(urllib.request.urlopen(args.endpoint + "/_awp/stats").read().decode())


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port-file", required=True)
    s.add_argument("--verify-sigv4", action="store_true")
    u = sub.add_parser("upload")
    u.add_argument("--endpoint", required=True)
    u.add_argument("image")
    c = sub.add_parser("control")
    c.add_argument("--endpoint", required=True)
    c.add_argument("json")
    t = sub.add_parser("stats")
    t.add_argument("--endpoint", required=True)
    a = ap.parse_args()
    {"serve": serve, "upload": upload, "control": control, "stats": stats}[a.cmd](a)


if __name__ == "__main__":
    main()
