"""ACM certificates validated as AWS validates them; patches.py lists the patches below in ``PATCHES``.

A certificate requested with DNS validation names one validation CNAME per domain, derived (as AWS derives it) from the
account and the domain without its ``*.`` wildcard label, so ``example.org`` and ``*.example.org`` share one record and
every certificate of the account asks for the same record for the same domain. The certificate stays
PENDING_VALIDATION until each of its records exists, with its value, in a public hosted zone of the emulator's Route 53
(any public zone whose name the record name ends with; private zones are not resolvable by ACM), and becomes ISSUED at
the first DescribeCertificate or ListCertificates that finds them all. 72 hours after the request without that, it is
VALIDATION_TIMED_OUT, as on AWS.

The key algorithm asked for is the one reported (KeyAlgorithm, the ListCertificates keyTypes filter); the PEM moto
generates behind it stays an RSA 2048 one, which no AWS API shows for an AMAZON_ISSUED certificate anyway.

InUseBy is read from the resources that name the certificate at the moment it is described: the load balancers whose
HTTPS/TLS listeners carry it (elbv2, classic ELB) and, for a us-east-1 certificate, the CloudFront distributions whose
ViewerCertificate names it.
"""

import datetime
import functools
import hashlib

from moto.core.exceptions import AWSError
from moto.core.utils import utcnow

DNS = "DNS"
EMAIL = "EMAIL"
# RequestCertificate's KeyAlgorithm values (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html).
REQUESTABLE_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
DEFAULT_KEY_ALGORITHM = "RSA_2048"
# What ListCertificates returns when Includes.keyTypes is not given
# (https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html).
DEFAULT_LISTED_KEY_TYPES = ("RSA_1024", "RSA_2048")
# https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html: "ACM ... for up to 72 hours".
VALIDATION_PERIOD = datetime.timedelta(hours=72)
CLOUDFRONT_REGION = "us-east-1"
# Fields DescribeCertificate shows only once a certificate is issued.
ISSUED_ONLY_FIELDS = ("IssuedAt", "NotBefore", "NotAfter", "Serial")
EMAIL_RECIPIENTS = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")


class ResourceInUseException(AWSError):
    TYPE = "ResourceInUseException"


def validation_domain(domain: str) -> str:
    """The domain whose DNS proves control of ``domain``: itself, without a leading wildcard label."""
    domain = domain.lower().rstrip(".")
    return domain[2:] if domain.startswith("*.") else domain


def resource_record(account_id: str, domain: str) -> dict:
    """The validation CNAME AWS shows for ``domain``: ``_<32 hex>.<domain>.`` -> ``_<32 hex>.<10 letters>.acm-validations.aws.``."""
    base = validation_domain(domain)
    digest = hashlib.sha256(f"{account_id}:{base}".encode()).hexdigest()
    label = "".join(chr(ord("a") + byte % 26) for byte in hashlib.sha256(f"{digest}:label".encode()).digest()[:10])
    return {"Name": f"_{digest[:32]}.{base}.", "Type": "CNAME", "Value": f"_{digest[32:64]}.{label}.acm-validations.aws."}


def _normal(name: str) -> str:
    return name.lower().rstrip(".")


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(partition, region, account) of an ACM certificate ARN."""
    parts = arn.split(":")
    return parts[1], parts[3], parts[4]


def record_published(account_id: str, partition: str, record: dict) -> bool:
    """Whether a public hosted zone of the account holds the CNAME ``record`` with its value."""
    from moto.route53.models import route53_backends

    name, value = _normal(record["Name"]), _normal(record["Value"])
    for zone in route53_backends[account_id][partition].zones.values():
        zone_name = _normal(zone.name)
        if zone.private_zone or not (name == zone_name or name.endswith("." + zone_name)):
            continue
        for rrset in zone.rrsets:
            if _normal(rrset.name) == name and rrset.type == "CNAME" and value in {_normal(str(item)) for item in rrset.records or []}:
                return True
    return False


def requested_names(bundle) -> list[str]:
    """The domain name, then the other names, in the order they were requested."""
    names = getattr(bundle, "requested_names", None)
    if names:
        return list(names)
    return [bundle.common_name] + [name for name in bundle.sans if name != bundle.common_name]


def validated_names(bundle) -> set[str]:
    """The names of a DNS-validated certificate whose validation record is published."""
    if getattr(bundle, "validation_method", DNS) != DNS:
        return set()
    partition, account = _arn_parts(bundle.arn)[0], _arn_parts(bundle.arn)[2]
    return {name for name in requested_names(bundle) if record_published(account, partition, resource_record(account, name))}


def in_use_by(bundle) -> list[str]:
    """The ARNs of the resources that use the certificate now."""
    from moto.cloudfront.models import cloudfront_backends
    from moto.elb.models import elb_backends
    from moto.elbv2.models import elbv2_backends

    partition, region, account = _arn_parts(bundle.arn)
    users = []
    for balancer in elbv2_backends[account][region].load_balancers.values():
        for listener in balancer.listeners.values():
            if bundle.arn == listener.certificate or bundle.arn in (listener.certificates or []):
                users.append(balancer.arn)
    for balancer in elb_backends[account][region].load_balancers.values():
        if any(listener.ssl_certificate_id == bundle.arn for listener in balancer.listeners):
            users.append(f"arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{balancer.name}")
    if region == CLOUDFRONT_REGION:
        for distribution in cloudfront_backends[account][partition].distributions.values():
            viewer_certificate = getattr(distribution.distribution_config, "ViewerCertificate", None)
            if getattr(viewer_certificate, "acm_certificate_arn", None) == bundle.arn:
                users.append(distribution.arn)
    return list(dict.fromkeys(users))


def validation_options(bundle, validated: set[str]) -> list[dict]:
    account = _arn_parts(bundle.arn)[2]
    options = []
    for name in requested_names(bundle):
        if bundle.status == "ISSUED" or name in validated:
            status = "SUCCESS"
        elif bundle.status == "PENDING_VALIDATION":
            status = "PENDING_VALIDATION"
        else:
            status = "FAILED"
        option = {"DomainName": name, "ValidationDomain": validation_domain(name), "ValidationStatus": status}
        if getattr(bundle, "validation_method", DNS) == DNS:
            option.update(ValidationMethod=DNS, ResourceRecord=resource_record(account, name))
        else:
            option.update(ValidationMethod=EMAIL, ValidationEmails=[f"{who}@{validation_domain(name)}" for who in EMAIL_RECIPIENTS])
        options.append(option)
    return options


# ---------------------------------------------------------------------------------------------------------------------
# The patches


def acm_request_certificate_options() -> None:
    """RequestCertificate keeps the names in their order, the KeyAlgorithm and the ValidationMethod it is given.

    AWS (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html,
    https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html): KeyAlgorithm is one of RSA_2048
    (the default), EC_prime256v1 or EC_secp384r1 and is reported as the certificate's KeyAlgorithm;
    SubjectAlternativeNames lists the domain name first, then the other names as requested; each domain's
    DomainValidationOptions entry says the ValidationMethod asked for (DNS, or EMAIL with the ValidationEmails).
    moto: drops KeyAlgorithm (every certificate says RSA_2048) and ValidationMethod (every one says DNS), and lists
    the names in the order of a Python set, different from one run to the next.
    """
    from moto.acm.exceptions import AWSValidationException
    from moto.acm.responses import AWSCertificateManagerResponse

    original = AWSCertificateManagerResponse.request_certificate

    @functools.wraps(original)
    def request_certificate(self):
        key_algorithm = self._get_param("KeyAlgorithm") or DEFAULT_KEY_ALGORITHM
        if key_algorithm not in REQUESTABLE_KEY_ALGORITHMS:
            raise AWSValidationException(
                f"1 validation error detected: Value '{key_algorithm}' at 'keyAlgorithm' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(REQUESTABLE_KEY_ALGORITHMS)}]"
            )
        result = original(self)
        bundle = self.acm_backend.get_certificate(result.result["CertificateArn"])
        if bundle.type == "AMAZON_ISSUED" and not getattr(bundle, "requested_names", None):
            domain = self._get_param("DomainName")
            bundle.requested_names = list(dict.fromkeys([domain] + list(self._get_param("SubjectAlternativeNames") or [])))
            bundle.key_algorithm = key_algorithm
            # Without ValidationMethod moto's own behaviour (DNS) is kept.
            bundle.validation_method = EMAIL if self._get_param("ValidationMethod") == EMAIL else DNS
        return result

    AWSCertificateManagerResponse.request_certificate = request_certificate


def acm_dns_validation() -> None:
    """An AMAZON_ISSUED certificate is ISSUED once every domain's validation CNAME is in a public hosted zone, not after a minute.

    AWS (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html,
    https://docs.aws.amazon.com/acm/latest/APIReference/API_DomainValidation.html,
    https://docs.aws.amazon.com/acm/latest/APIReference/API_ResourceRecord.html): DescribeCertificate shows, for each
    domain, a ResourceRecord ``_<hash>.<domain>.`` CNAME ``_<hash>.<random>.acm-validations.aws.`` that depends on the
    account and the domain (a wildcard name shares its apex's record, so ``example.org`` and ``*.example.org`` need
    one record); each domain turns SUCCESS once its record resolves, the certificate ISSUED once all have; a request
    not validated in 72 hours becomes VALIDATION_TIMED_OUT. IssuedAt, NotBefore, NotAfter and Serial appear once it
    is issued.
    moto: gives every domain of every certificate the same record (``_d930b28b...``), never looks at DNS and turns
    every certificate ISSUED once MOTO_ACM_VALIDATION_WAIT seconds (60) have passed, records or not; shows
    IssuedAt from the start and reports each domain's ValidationStatus as the certificate's status.
    """
    from moto.acm.models import CertBundle, datetime_to_epoch

    original_describe = CertBundle.describe

    def check(self) -> None:
        now = utcnow()
        if self._not_valid_after(self._cert) <= now:
            self.status = "EXPIRED"
            return
        if self.type != "AMAZON_ISSUED" or self.status != "PENDING_VALIDATION":
            return
        names = requested_names(self)
        if getattr(self, "validation_method", DNS) == DNS and validated_names(self) >= set(names):
            self.status = "ISSUED"
            self.issued_at = now
        elif now - self.created_at > VALIDATION_PERIOD:
            self.status = "VALIDATION_TIMED_OUT"

    @functools.wraps(original_describe)
    def describe(self) -> dict:
        result = original_describe(self)
        if self.type != "AMAZON_ISSUED":
            return result
        certificate = result["Certificate"]
        names = requested_names(self)
        certificate["DomainName"] = names[0]
        certificate["SubjectAlternativeNames"] = names
        certificate["KeyAlgorithm"] = getattr(self, "key_algorithm", DEFAULT_KEY_ALGORITHM)
        certificate["DomainValidationOptions"] = validation_options(self, validated_names(self) if self.status == "PENDING_VALIDATION" else set())
        if self.status == "ISSUED":
            certificate["IssuedAt"] = datetime_to_epoch(getattr(self, "issued_at", None) or self.created_at)
        else:
            for key in ISSUED_ONLY_FIELDS:
                certificate.pop(key, None)
        return result

    CertBundle.check = check
    CertBundle.describe = describe


def acm_list_certificates_default_key_types() -> None:
    """ListCertificates without Includes.keyTypes lists only RSA_1024 and RSA_2048 certificates.

    AWS (https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html, keyTypes): "Default filtering returns
    only RSA_1024 and RSA_2048 certificates that have at least one domain. To return other certificate types, provide
    the desired type signatures in a comma-separated list." A caller that looks for an EC certificate must ask for it.
    moto: lists every certificate when Includes is absent, so code that forgets keyTypes works here and not on AWS.
    """
    from moto.acm.models import AWSCertificateManagerBackend

    original = AWSCertificateManagerBackend.list_certificates

    @functools.wraps(original)
    def list_certificates(self, statuses, includes):
        includes = dict(includes or {})
        includes.setdefault("keyTypes", list(DEFAULT_LISTED_KEY_TYPES))
        return original(self, statuses, includes)

    AWSCertificateManagerBackend.list_certificates = list_certificates


def acm_certificate_in_use() -> None:
    """InUseBy names the load balancers and distributions that use the certificate; DeleteCertificate refuses one in use.

    AWS (https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html, InUseBy;
    https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html): InUseBy lists the ARNs of the
    AWS resources that use the certificate (a load balancer, not its listener; a CloudFront distribution), and follows
    them as listeners and distributions change; DeleteCertificate of a certificate in use fails with
    ResourceInUseException ("Certificate <arn> in use by <arn>", the wording AWS is reported to send; the reference
    gives none).
    moto: records the listener ARN of an elbv2 listener created with the certificate (nothing for ModifyListener,
    AddListenerCertificates or CloudFront), never forgets it, and deletes a certificate in use.
    """
    from moto.acm.exceptions import CertificateNotFound
    from moto.acm.models import AWSCertificateManagerBackend, CertBundle

    original_delete = AWSCertificateManagerBackend.delete_certificate

    @functools.wraps(original_delete)
    def delete_certificate(self, arn: str) -> None:
        if arn not in self._certificates:
            raise CertificateNotFound(arn=arn, account_id=self.account_id)
        users = in_use_by(self._certificates[arn])
        if users:
            raise ResourceInUseException(f"Certificate {arn} in use by {', '.join(users)}")
        original_delete(self, arn)

    # moto's __init__ assigns in_use_by and its classic ELB code appends to it: both are let through and ignored.
    CertBundle.in_use_by = property(in_use_by, lambda self, value: None)
    AWSCertificateManagerBackend.delete_certificate = delete_certificate
