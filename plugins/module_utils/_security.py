# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared by the guardduty_detector and securityhub modules (and the security role's filter).

Private to stories1001.infra: the interface may change without notice.
"""

import re

# GuardDuty features a detector can be asked to turn on or off
# (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
GUARDDUTY_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
)
FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
THREAT_INTEL_FORMATS = ("TXT", "STIX", "OTX_CSV", "ALIEN_VAULT", "PROOF_POINT", "FIRE_EYE")
THREAT_INTEL_LOCATION = re.compile(r"^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+|https://([a-z0-9.-]+\.)?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?/.+)$")

# Security Hub standards by their short id (<name>/v/<version>), as DescribeStandards lists them
# (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html). CIS v1.2.0 is the one
# whose ARN has no Region (arn:aws:securityhub:::ruleset/...); the others are arn:aws:securityhub:REGION::standards/...
SECURITYHUB_STANDARDS = (
    "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark/v/1.2.0",
    "cis-aws-foundations-benchmark/v/1.4.0",
    "cis-aws-foundations-benchmark/v/3.0.0",
    "cis-aws-foundations-benchmark/v/5.0.0",
    "nist-800-53/v/5.0.0",
    "pci-dss/v/3.2.1",
    "pci-dss/v/4.0.1",
    "aws-resource-tagging-standard/v/1.0.0",
)
RULESET_STANDARDS = ("cis-aws-foundations-benchmark/v/1.2.0",)
STANDARD_ID = re.compile(r"^[a-z0-9-]+/v/[0-9][0-9.]*$")
STANDARD_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):securityhub:(?P<region>[a-z0-9-]*)::(?P<kind>standards|ruleset)/(?P<id>[a-z0-9-]+/v/[0-9][0-9.]*)$")


def partition_of(region):
    """The ARN partition of a Region."""
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def standard_arn(standard, region):
    """The standards ARN of ``standard`` (a short id such as pci-dss/v/3.2.1, or already an ARN) in ``region``."""
    if standard.startswith("arn:"):
        return standard
    partition = partition_of(region)
    if standard in RULESET_STANDARDS:
        return f"arn:{partition}:securityhub:::ruleset/{standard}"
    return f"arn:{partition}:securityhub:{region}::standards/{standard}"


def standard_errors(standard, region=None):
    """Why ``standard`` is not a standards ARN or short id Security Hub has; [] when it is fine."""
    text = str(standard or "")
    match = STANDARD_ARN.match(text)
    short = match["id"] if match else text
    if not match and not STANDARD_ID.match(text):
        return [f"{text!r} is neither a Security Hub standards ARN nor an id such as pci-dss/v/3.2.1"]
    if short not in SECURITYHUB_STANDARDS:
        return [f"{text!r} is not a standard Security Hub has (known: {', '.join(SECURITYHUB_STANDARDS)})"]
    if match:
        expected = standard_arn(short, region or match["region"])
        if region and text != expected:
            return [f"{text!r} is not the ARN of {short} in {region} ({expected})"]
    return []
