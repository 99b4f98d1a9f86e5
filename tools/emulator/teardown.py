"""Patches for what destroy.yml deletes, where moto answers a delete unlike AWS; patches.py installs them."""

import functools


def kms_key_deletion_by_arn() -> None:
    """ScheduleKeyDeletion and CancelKeyDeletion take a key ARN as well as a key id.

    AWS: ``KeyId`` is "the key ID or key ARN of the KMS key"
    (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html,
    https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html); amazon.aws.kms_key with state
    absent sends the ARN.
    moto: looks the given value up in its keys by id only, so a key ARN raises KeyError and the call answers HTTP 500.
    """
    from moto.kms.models import KmsBackend

    for name in ("schedule_key_deletion", "cancel_key_deletion"):
        original = getattr(KmsBackend, name)
        if getattr(original, "_stories_by_arn", False):
            continue

        def by_arn(self, key_id, *args, _original=original, **kwargs):
            return _original(self, self.get_key_id(key_id), *args, **kwargs)

        by_arn = functools.wraps(original)(by_arn)
        by_arn._stories_by_arn = True
        setattr(KmsBackend, name, by_arn)
