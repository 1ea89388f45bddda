"""Acknowledgments built from validation findings: TA1 (interchange), 999 (functional group), 277CA (claims)."""

from edi.acks._277ca import build_277ca, iter_277ca
from edi.acks._999 import build_999
from edi.acks._counter import ControlCounter, LedgerCounter
from edi.acks._files import KINDS, AckIds, AckResult, ack_bytes, parse_party, write_acks
from edi.acks._policy import DEFAULT_POLICY, AckPolicy
from edi.acks._ta1 import build_ta1

__all__ = ["DEFAULT_POLICY", "KINDS", "AckIds", "AckPolicy", "AckResult", "ControlCounter", "LedgerCounter",
           "ack_bytes", "build_277ca", "build_999", "build_ta1", "iter_277ca", "parse_party", "write_acks"]
