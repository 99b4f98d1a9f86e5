#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_directory_sync
version_added: 0.2.0
short_description: Copy a directory tree to S3 with SHA-256 checksums, only what differs, or verify a copy
description:
  - Walks O(src) on the host that runs the module and computes each file's SHA-256. Lists the bucket under O(prefix);
    for an object of the same size it asks S3 for the object's SHA-256 checksum (C(HeadObject) with
    C(ChecksumMode=ENABLED)). A file whose object is missing, of another size or of another checksum is uploaded.
  - Each upload sends the file's SHA-256 (C(x-amz-checksum-sha256)); S3 computes it again on receipt and refuses the
    object when they differ, so an object that exists holds the file's bytes. The hex digest is also kept in the
    object's metadata (C(sha256)) and the content type is guessed from the file name.
  - Files are uploaded one by one, in parallel; an interrupted run leaves whole objects only, and the next run uploads
    what is still missing. Nothing in the bucket is deleted.
  - O(mode=verify) uploads nothing and reports every file that is missing from the bucket or whose object's checksum
    differs; with O(fail_on_difference) that is an error.
author:
  - 1001 Stories platform team (@1001stories)
options:
  src:
    description: The directory to copy.
    type: path
    required: true
  bucket:
    description: The bucket.
    type: str
    required: true
  prefix:
    description: Key prefix for the files (a file C(a/b.pdf) under C(src) becomes C(<prefix>a/b.pdf)); end it with C(/).
    type: str
    default: ""
  mode:
    description: V(sync) uploads what differs; V(verify) only compares.
    type: str
    choices: [sync, verify]
    default: sync
  exclude:
    description: Shell-style patterns of relative paths to leave out.
    type: list
    elements: str
    default: []
  jobs:
    description: Parallel requests.
    type: int
    default: 16
  fail_on_difference:
    description: With O(mode=verify), fail when a file is missing or differs.
    type: bool
    default: false
  missing_ok:
    description: A missing O(src) is an empty tree rather than an error.
    type: bool
    default: false
  state_file:
    description:
      - A file on the host where O(mode=sync) remembers, for each file it uploaded or found in place, its size,
        modification time and SHA-256. On the next pass a file with the same size and modification time whose object
        is listed with the same size is taken as unchanged without reading it or asking S3 for its checksum (the
        rule C(aws s3 sync) uses), so a pass over an unchanged tree costs one listing. O(mode=verify) never trusts it.
    type: path
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Supports check mode (reports what would be uploaded).
  - Objects of up to 5 GB (a single PUT); bigger files are refused before any upload.
"""

EXAMPLES = r"""
- name: Copy the host's PDFs to the content bucket
  stories1001.infra.s3_directory_sync:
    src: /opt/1001-stories/public/books
    bucket: 1001-stories-production-content
    prefix: books/

- name: Verify the copy
  stories1001.infra.s3_directory_sync:
    src: /opt/1001-stories/public/books
    bucket: 1001-stories-production-content
    prefix: books/
    mode: verify
    fail_on_difference: true
"""

RETURN = r"""
files:
  description: Files under O(src).
  returned: always
  type: int
bytes:
  description: Their total size.
  returned: always
  type: int
uploaded:
  description: Files uploaded (or that would be, in check mode).
  returned: always
  type: int
uploaded_bytes:
  description: Their total size.
  returned: always
  type: int
unchanged:
  description: Files whose object already held the same bytes.
  returned: always
  type: int
missing:
  description: With O(mode=verify), keys of files that have no object (at most 100 listed).
  returned: always
  type: list
  elements: str
mismatched:
  description: With O(mode=verify), keys whose object is of another size or checksum (at most 100 listed).
  returned: always
  type: list
  elements: str
verified:
  description: With O(mode=verify), whether every file has its object with the same checksum.
  returned: always
  type: bool
"""

import base64
import concurrent.futures
import fnmatch
import hashlib
import mimetypes
import json
import os

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._s3 import RETRY_CODES

MAX_PUT = 5 * 1024**3
LISTED = 100


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.digest()


def load_state(path, scope):
    try:
        with open(path) as handle:
            return json.load(handle).get(scope, {})
    except (IOError, OSError, ValueError):
        return {}


def save_state(path, scope, entries):
    try:
        with open(path) as handle:
            state = json.load(handle)
    except (IOError, OSError, ValueError):
        state = {}
    state[scope] = entries
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    with open(path + ".partial", "w") as handle:
        json.dump(state, handle, sort_keys=True)
    os.replace(path + ".partial", path)


def local_files(src, exclude):
    """(relative posix path, absolute path, size) of every regular file under src, sorted."""
    found = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, src).replace(os.sep, "/")
            if os.path.islink(path) or not os.path.isfile(path) or any(fnmatch.fnmatch(relative, pattern) for pattern in exclude):
                continue
            found.append((relative, path, os.path.getsize(path)))
    return found


def remote_sizes(client, bucket, prefix):
    # Paged by hand: the retrying client's paginators do not retry.
    sizes, token = {}, None
    while True:
        page = client.list_objects_v2(Bucket=bucket, Prefix=prefix, aws_retry=True, **({"ContinuationToken": token} if token else {}))
        for item in page.get("Contents", []):
            sizes[item["Key"]] = item["Size"]
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return sizes


def remote_checksum(client, bucket, key):
    """The object's SHA-256 as S3 computed it (base64), else the one its metadata keeps, else None."""
    head = client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED", aws_retry=True)
    if head.get("ChecksumSHA256") and "-" not in head["ChecksumSHA256"]:
        return head["ChecksumSHA256"]
    kept = head.get("Metadata", {}).get("sha256")
    return base64.b64encode(bytes.fromhex(kept)).decode() if kept else None


def upload(client, bucket, key, path, digest):
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    with open(path, "rb") as body:
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(digest).decode(),
            Metadata={"sha256": digest.hex()},
            aws_retry=True,
        )


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            bucket=dict(type="str", required=True),
            prefix=dict(type="str", default=""),
            mode=dict(type="str", choices=["sync", "verify"], default="sync"),
            exclude=dict(type="list", elements="str", default=[]),
            jobs=dict(type="int", default=16),
            fail_on_difference=dict(type="bool", default=False),
            missing_ok=dict(type="bool", default=False),
            state_file=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params["jobs"] < 1 or params["jobs"] > 64:
        module.fail_json(msg="jobs must be between 1 and 64, got {0}".format(params["jobs"]))
    if not os.path.isdir(params["src"]):
        if not params["missing_ok"]:
            module.fail_json(msg="src: {0} is not a directory".format(params["src"]))
        files = []
    else:
        files = local_files(params["src"], params["exclude"])
    too_big = [relative for relative, _path, size in files if size > MAX_PUT]
    if too_big:
        module.fail_json(msg="Files over 5 GB cannot be sent in one PUT: {0}".format(", ".join(too_big[:LISTED])))

    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    bucket, prefix = params["bucket"], params["prefix"]
    try:
        sizes = remote_sizes(client, bucket, prefix)
    except is_boto3_error_code("NoSuchBucket"):
        module.fail_json(msg="bucket: {0} does not exist".format(bucket))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
        module.fail_json_aws(error, msg="Could not list s3://{0}/{1}".format(bucket, prefix))

    scope = "s3://{0}/{1}".format(bucket, prefix)
    remembered = load_state(params["state_file"], scope) if params["state_file"] and params["mode"] == "sync" else {}
    stats = dict((f[0], os.stat(f[1])) for f in files)
    trusted = set(
        relative
        for relative, _path, size in files
        if remembered.get(relative, [None, None])[:2] == [size, stats[relative].st_mtime_ns] and sizes.get(prefix + relative) == size
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=params["jobs"]) as pool:
        unknown = [f for f in files if f[0] not in trusted]
        digests = dict(zip([f[0] for f in unknown], pool.map(sha256_of, [f[1] for f in unknown])))
        digests.update((relative, bytes.fromhex(remembered[relative][2])) for relative in trusted)
        same_size = [(relative, prefix + relative) for relative, _path, size in unknown if sizes.get(prefix + relative) == size]
        try:
            checksums = dict(zip([s[0] for s in same_size], pool.map(lambda item: remote_checksum(client, bucket, item[1]), same_size)))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            module.fail_json_aws(error, msg="Could not read the objects' checksums in s3://{0}/{1}".format(bucket, prefix))
        missing, mismatched, todo = [], [], []
        for relative, path, size in files:
            key = prefix + relative
            if relative in trusted:
                continue
            if key not in sizes:
                missing.append(key)
            elif checksums.get(relative) != base64.b64encode(digests[relative]).decode():
                mismatched.append(key)
            else:
                continue
            todo.append((relative, path, size))
        result = dict(
            files=len(files),
            bytes=sum(f[2] for f in files),
            unchanged=len(files) - len(todo),
            missing=missing[:LISTED],
            mismatched=mismatched[:LISTED],
            verified=not todo,
            uploaded=0,
            uploaded_bytes=0,
        )
        if params["mode"] == "verify":
            if todo and params["fail_on_difference"]:
                module.fail_json(
                    msg="{0} of {1} files are not in s3://{2}/{3} as they are here: {4} missing, {5} differ (first: {6})".format(
                        len(todo), len(files), bucket, prefix, len(missing), len(mismatched), ", ".join((missing + mismatched)[:5])
                    ),
                    **result
                )
            module.exit_json(changed=False, **result)
        result.update(uploaded=len(todo), uploaded_bytes=sum(f[2] for f in todo))
        if todo and not module.check_mode:
            try:
                list(pool.map(lambda item: upload(client, bucket, prefix + item[0], item[1], digests[item[0]]), todo))
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
                module.fail_json_aws(error, msg="Could not upload to s3://{0}/{1}".format(bucket, prefix))
        if params["state_file"] and not module.check_mode:
            save_state(params["state_file"], scope, dict((f[0], [f[2], stats[f[0]].st_mtime_ns, digests[f[0]].hex()]) for f in files))
    module.exit_json(changed=bool(todo), **result)


if __name__ == "__main__":
    main()
