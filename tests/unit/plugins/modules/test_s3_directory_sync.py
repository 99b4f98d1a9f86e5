# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""s3_directory_sync driven through main() against moto's S3 in-process (moto.mock_aws).

In-process moto stores the x-amz-checksum-sha256 a PutObject sends without checking it against the body (the server-mode
emulator does check it), so these tests assert what the module sends and what S3 then holds: each object's
ChecksumSHA256, its sha256 metadata, its content type and its key. Every request the module makes is recorded (by
operation, with its parameters) through botocore's events on the module's client."""

import base64
import hashlib
import json
import os

import boto3
import botocore.loaders
import pytest
from ansible.module_utils.testing import patch_module_args
from botocore import xform_name
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.stories1001.infra.plugins.modules import s3_directory_sync as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import aws_args

BUCKET = "stories1001-content-test"
PREFIX = "books/"

# Relative path -> (bytes, expected content type). Names with spaces, accents and a nested directory.
TREE = {
    "story.pdf": (b"%PDF-1.7 first book" + b"0" * 200, "application/pdf"),
    "covers/cover.png": (b"\x89PNG\r\n\x1a\n" + b"p" * 99, "image/png"),
    "covers/old/back cover.png": (b"\x89PNG\r\n\x1a\n" + b"q" * 50, "image/png"),
    "livres é/l'histoire n°1 été.pdf": ("%PDF été".encode("utf-8") + b"1" * 31, "application/pdf"),
    "README": (b"no extension", "application/octet-stream"),
}


def sha256(data):
    return hashlib.sha256(data).digest()


def b64_sha256(data):
    return base64.b64encode(sha256(data)).decode()


class Recorder:
    """Patches AnsibleAWSModule.client: the real (moto) client, with every request recorded as (operation, parameters)
    and the operations that went through the retry decorator (aws_retry=True) in ``retried``."""

    def __init__(self, monkeypatch):
        self.sent, self.retried, self.clients = [], set(), []
        original = AnsibleAWSModule.client
        recorder = self

        def record(params, model, **_kwargs):
            recorder.sent.append((xform_name(model.name), dict(params)))

        def client(module, service, retry_decorator=None, **kwargs):
            recorder.clients.append(service)
            assert retry_decorator is not None, "the client must retry on throttling"

            def recording_retry(func):
                def wrapped(*args, **inner):
                    recorder.retried.add(func.__name__)
                    return retry_decorator(func)(*args, **inner)

                return wrapped

            wrapper = original(module, service, retry_decorator=recording_retry, **kwargs)
            wrapper.client.meta.events.register("before-parameter-build.s3", record)
            return wrapper

        monkeypatch.setattr(AnsibleAWSModule, "client", client)

    def calls(self, operation):
        return [params for name, params in self.sent if name == operation]

    def keys(self, operation):
        return sorted(params["Key"] for params in self.calls(operation))

    def reset(self):
        del self.sent[:]
        self.retried.clear()


@pytest.fixture(scope="module", autouse=True)
def shared_botocore_data():
    """botocore's data files (service models, endpoints) parsed once for the module rather than once per module run:
    each run makes a new boto3 session, whose loader would read and parse them again."""
    original = botocore.loaders.Loader.load_data_with_path
    cache = {}

    def load_data_with_path(loader, name):
        key = (tuple(loader.search_paths), name)
        if key not in cache:
            cache[key] = original(loader, name)
        return cache[key]

    botocore.loaders.Loader.load_data_with_path = load_data_with_path
    yield
    botocore.loaders.Loader.load_data_with_path = original


@pytest.fixture(scope="module")
def moto_s3():
    """moto's S3 for the whole module (starting it takes a while), and a client on it for the tests' own reads and writes."""
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def s3(moto_s3):
    """The bucket, new and empty for each test."""
    moto_s3.create_bucket(Bucket=BUCKET)
    yield moto_s3
    for key in listed(moto_s3, ""):
        moto_s3.delete_object(Bucket=BUCKET, Key=key)
    moto_s3.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def recorder(s3, monkeypatch):  # pylint: disable=unused-argument
    return Recorder(monkeypatch)


@pytest.fixture
def tree(tmp_path):
    """The directory to copy, holding TREE."""
    src = tmp_path / "books"
    for relative, (data, _type) in TREE.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return src


@pytest.fixture
def run(recorder, capsys):
    """run(check_mode=False, **options): main() with src/bucket/prefix defaults; returns its JSON result."""

    def run_main(check_mode=False, **options):
        recorder.reset()
        args = aws_args(**options)
        if check_mode:
            args["_ansible_check_mode"] = True
        with patch_module_args(args), pytest.raises(SystemExit):
            module_under_test.main()
        return json.loads(capsys.readouterr().out)

    return run_main


def options(src, **more):
    return dict(src=str(src), bucket=BUCKET, prefix=PREFIX, **more)


def listed(s3, prefix=PREFIX):
    return {item["Key"]: item["Size"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])}


def total(paths):
    return sum(len(TREE[path][0]) for path in paths)


def test_first_sync_uploads_everything(s3, tree, run, recorder):
    s3.put_object(Bucket=BUCKET, Key=PREFIX + "only-in-bucket.pdf", Body=b"kept")
    result = run(**options(tree))
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert (result["files"], result["uploaded"], result["unchanged"]) == (len(TREE), len(TREE), 0)
    assert result["bytes"] == result["uploaded_bytes"] == total(TREE)
    assert sorted(result["missing"]) == sorted(PREFIX + path for path in TREE)
    assert result["mismatched"] == []
    assert recorder.keys("put_object") == sorted(PREFIX + path for path in TREE)
    assert listed(s3) == dict({PREFIX + path: len(data) for path, (data, _type) in TREE.items()}, **{PREFIX + "only-in-bucket.pdf": 4})
    for path, (data, content_type) in TREE.items():
        head = s3.head_object(Bucket=BUCKET, Key=PREFIX + path, ChecksumMode="ENABLED")
        assert head["ChecksumSHA256"] == b64_sha256(data), path
        assert head["Metadata"] == {"sha256": sha256(data).hex()}, path
        assert head["ContentType"] == content_type, path
        assert s3.get_object(Bucket=BUCKET, Key=PREFIX + path)["Body"].read() == data
    for params in recorder.calls("put_object"):
        data = TREE[params["Key"][len(PREFIX):]][0]
        assert params["ChecksumAlgorithm"] == "SHA256"
        assert params["ChecksumSHA256"] == b64_sha256(data)
    assert "put_object" in recorder.retried


def test_listing_is_retried(tree, run, recorder):
    run(**options(tree))
    assert "list_objects_v2" in recorder.retried


def test_no_prefix_keys_are_relative_paths(s3, tree, run):
    result = run(src=str(tree), bucket=BUCKET)
    assert result["uploaded"] == len(TREE)
    assert set(listed(s3, "")) == set(TREE)


def test_second_sync_uploads_nothing(tree, run, recorder):
    run(**options(tree))
    result = run(**options(tree))
    assert result["changed"] is False
    assert (result["uploaded"], result["uploaded_bytes"], result["unchanged"]) == (0, 0, len(TREE))
    assert result["verified"] is True
    assert recorder.calls("put_object") == []
    assert recorder.keys("head_object") == sorted(PREFIX + path for path in TREE)
    assert all(params["ChecksumMode"] == "ENABLED" for params in recorder.calls("head_object"))
    assert "head_object" in recorder.retried


def test_same_size_change_is_uploaded_again(s3, tree, run, recorder):
    run(**options(tree))
    changed = b"%PDF-1.7 other book" + b"1" * 200
    assert len(changed) == len(TREE["story.pdf"][0])
    (tree / "story.pdf").write_bytes(changed)
    result = run(**options(tree))
    assert result["changed"] is True
    assert (result["uploaded"], result["uploaded_bytes"]) == (1, len(changed))
    assert result["mismatched"] == [PREFIX + "story.pdf"]
    assert recorder.keys("put_object") == [PREFIX + "story.pdf"]
    head = s3.head_object(Bucket=BUCKET, Key=PREFIX + "story.pdf", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64_sha256(changed)
    assert head["Metadata"]["sha256"] == sha256(changed).hex()


def test_other_size_is_uploaded_without_asking_its_checksum(tree, run, recorder):
    run(**options(tree))
    (tree / "README").write_bytes(b"longer than before")
    result = run(**options(tree))
    assert recorder.keys("put_object") == [PREFIX + "README"]
    assert PREFIX + "README" not in recorder.keys("head_object")
    assert result["mismatched"] == [PREFIX + "README"]


def test_new_file_only_is_uploaded(s3, tree, run, recorder):
    run(**options(tree))
    (tree / "covers" / "new.png").write_bytes(b"new")
    result = run(**options(tree))
    assert result["changed"] is True
    assert (result["files"], result["uploaded"], result["uploaded_bytes"], result["unchanged"]) == (len(TREE) + 1, 1, 3, len(TREE))
    assert result["missing"] == [PREFIX + "covers/new.png"]
    assert recorder.keys("put_object") == [PREFIX + "covers/new.png"]
    assert s3.head_object(Bucket=BUCKET, Key=PREFIX + "covers/new.png")["ContentType"] == "image/png"


def test_exclude(s3, tree, run):
    (tree / "draft.tmp").write_bytes(b"t")
    (tree / "covers" / "deep.tmp").write_bytes(b"t")
    (tree / "private").mkdir()
    (tree / "private" / "notes.pdf").write_bytes(b"n")
    result = run(**options(tree, exclude=["*.tmp", "private/*"]))
    assert result["files"] == len(TREE)
    assert set(listed(s3)) == {PREFIX + path for path in TREE}


def test_symlinks_are_left_out(s3, tree, run):
    os.symlink(tree / "story.pdf", tree / "link.pdf")
    result = run(**options(tree))
    assert result["files"] == len(TREE)
    assert PREFIX + "link.pdf" not in listed(s3)


def test_check_mode_uploads_nothing(s3, tree, run, recorder):
    result = run(check_mode=True, **options(tree))
    assert result["changed"] is True
    assert (result["uploaded"], result["uploaded_bytes"]) == (len(TREE), total(TREE))
    assert recorder.calls("put_object") == []
    assert listed(s3) == {}


def test_check_mode_after_a_sync_reports_no_change(tree, run, recorder):
    run(**options(tree))
    (tree / "README").write_bytes(b"NO EXTENSION")
    result = run(check_mode=True, **options(tree))
    assert (result["changed"], result["uploaded"]) == (True, 1)
    assert recorder.calls("put_object") == []


def break_copy(s3, tree):
    """One object deleted, one overwritten directly with other bytes of the same size; returns their keys."""
    s3.delete_object(Bucket=BUCKET, Key=PREFIX + "README")
    data = TREE["covers/cover.png"][0]
    other = data[:-1] + b"X"
    s3.put_object(Bucket=BUCKET, Key=PREFIX + "covers/cover.png", Body=other, ChecksumAlgorithm="SHA256")
    return PREFIX + "README", PREFIX + "covers/cover.png"


def test_verify(s3, tree, run, recorder):
    run(**options(tree))
    result = run(**options(tree, mode="verify"))
    assert (result["changed"], result["verified"], result["missing"], result["mismatched"]) == (False, True, [], [])
    missing, mismatched = break_copy(s3, tree)
    result = run(**options(tree, mode="verify"))
    assert not result.get("failed")
    assert (result["changed"], result["verified"], result["uploaded"]) == (False, False, 0)
    assert result["missing"] == [missing]
    assert result["mismatched"] == [mismatched]
    assert result["unchanged"] == len(TREE) - 2
    assert recorder.calls("put_object") == []
    assert PREFIX + "README" not in listed(s3)


def test_verify_fail_on_difference(s3, tree, run):
    run(**options(tree))
    missing, mismatched = break_copy(s3, tree)
    result = run(**options(tree, mode="verify", fail_on_difference=True))
    assert result["failed"] is True
    assert "2 of {0} files".format(len(TREE)) in result["msg"]
    assert "1 missing, 1 differ" in result["msg"]
    assert BUCKET in result["msg"]
    assert missing in result["msg"] and mismatched in result["msg"]
    assert result["missing"] == [missing]


def test_verify_fail_on_difference_passes_on_a_good_copy(tree, run):
    run(**options(tree))
    result = run(**options(tree, mode="verify", fail_on_difference=True))
    assert not result.get("failed"), result.get("msg")
    assert result["verified"] is True


def test_missing_src(tmp_path, run, recorder):
    result = run(**options(tmp_path / "nowhere"))
    assert result["failed"] is True
    assert str(tmp_path / "nowhere") in result["msg"]
    assert "not a directory" in result["msg"]
    assert recorder.sent == []
    result = run(**options(tmp_path / "nowhere", missing_ok=True))
    assert not result.get("failed"), result.get("msg")
    assert (result["changed"], result["files"], result["uploaded"]) == (False, 0, 0)


def test_missing_bucket(tree, run):
    result = run(src=str(tree), bucket="no-such-bucket-here", prefix=PREFIX)
    assert result["failed"] is True
    assert "no-such-bucket-here" in result["msg"]
    assert "does not exist" in result["msg"]


@pytest.mark.parametrize("jobs", [0, -1, 65])
def test_jobs_out_of_range(tree, run, recorder, jobs):
    result = run(**options(tree, jobs=jobs))
    assert result["failed"] is True
    assert "jobs must be between 1 and 64" in result["msg"]
    assert str(jobs) in result["msg"]
    assert recorder.clients == []
    assert recorder.sent == []


@pytest.mark.parametrize("jobs", [1, 64])
def test_jobs_at_the_bounds(s3, tree, run, jobs):
    result = run(**options(tree, jobs=jobs))
    assert not result.get("failed"), result.get("msg")
    assert len(listed(s3)) == len(TREE)


def test_state_file_skips_head_object_on_an_unchanged_tree(tmp_path, tree, run, recorder):
    state = tmp_path / "state" / "sync.json"
    run(**options(tree, state_file=str(state)))
    saved = json.loads(state.read_text())["s3://{0}/{1}".format(BUCKET, PREFIX)]
    assert set(saved) == set(TREE)
    assert saved["story.pdf"][0] == len(TREE["story.pdf"][0])
    assert saved["story.pdf"][1] == os.stat(tree / "story.pdf").st_mtime_ns
    assert saved["story.pdf"][2] == sha256(TREE["story.pdf"][0]).hex()

    result = run(**options(tree, state_file=str(state)))
    assert (result["changed"], result["uploaded"], result["unchanged"]) == (False, 0, len(TREE))
    assert [name for name, _params in recorder.sent] == ["list_objects_v2"]

    # Without it the same pass asks for every object's checksum.
    run(**options(tree))
    assert len(recorder.calls("head_object")) == len(TREE)


def test_state_file_rechecks_a_file_whose_mtime_changed(tmp_path, tree, run, recorder):
    state = str(tmp_path / "sync.json")
    run(**options(tree, state_file=state))
    stat = os.stat(tree / "story.pdf")
    os.utime(tree / "story.pdf", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5 * 10**9))
    result = run(**options(tree, state_file=state))
    assert result["changed"] is False
    assert recorder.keys("head_object") == [PREFIX + "story.pdf"]
    assert recorder.calls("put_object") == []

    # Same size, other bytes, a new mtime: checked and uploaded.
    changed = b"%PDF-1.7 third book" + b"2" * 200
    (tree / "story.pdf").write_bytes(changed)
    os.utime(tree / "story.pdf", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 * 10**9))
    result = run(**options(tree, state_file=state))
    assert (result["changed"], result["uploaded"]) == (True, 1)
    assert recorder.keys("put_object") == [PREFIX + "story.pdf"]
    # and remembered: the next pass is a listing only.
    run(**options(tree, state_file=state))
    assert [name for name, _params in recorder.sent] == ["list_objects_v2"]


def test_state_file_rechecks_an_object_listed_with_another_size(s3, tmp_path, tree, run, recorder):
    state = str(tmp_path / "sync.json")
    run(**options(tree, state_file=state))
    s3.put_object(Bucket=BUCKET, Key=PREFIX + "README", Body=b"short")
    result = run(**options(tree, state_file=state))
    assert recorder.keys("put_object") == [PREFIX + "README"]
    assert result["mismatched"] == [PREFIX + "README"]


def test_state_file_is_not_written_in_check_mode(tmp_path, tree, run):
    state = tmp_path / "sync.json"
    run(check_mode=True, **options(tree, state_file=str(state)))
    assert not state.exists()


def test_verify_does_not_trust_the_state_file(s3, tmp_path, tree, run, recorder):
    state = str(tmp_path / "sync.json")
    run(**options(tree, state_file=state))
    _missing, mismatched = break_copy(s3, tree)
    s3.put_object(Bucket=BUCKET, Key=PREFIX + "README", Body=TREE["README"][0])  # back, without checksum
    result = run(**options(tree, mode="verify", state_file=state))
    assert sorted(result["mismatched"]) == sorted([mismatched, PREFIX + "README"])
    assert result["verified"] is False
    assert len(recorder.calls("head_object")) == len(TREE)
