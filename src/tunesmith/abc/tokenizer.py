"""An ABC-aware tokenizer: musical atoms as tokens, characters and bytes as the fallback.

Each atom of :func:`tunesmith.abc.lexer.lex` (a note with its length, a barline, a tuplet
mark, a header line such as ``M:6/8``) is one token when the vocabulary has it. A rare atom is
spelled with character tokens, and a character outside the vocabulary with UTF-8 byte tokens,
so nothing is ever unknown and ``decode(encode(text)) == text`` for every string.

``split_lengths`` chooses between one token per note-with-length (``^F,3/2``) and separate
pitch and length tokens (``^F,`` ``3/2``); see ``benchmarks/tokenizer_choice.py``. With
``canonical`` the model reads and writes every tune on the tonic C in ``L:1/8``
(:mod:`tunesmith.abc.canonical`); ``text_of`` is where a tune becomes model text.
"""

from __future__ import annotations

import json
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from .canonical import canonical
from .lexer import Kind, lex, split_length
from .tune import Tune

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
SPECIALS = (PAD, BOS, EOS)
_BYTE_TOKENS = tuple(f"<0x{b:02X}>" for b in range(256))
_BASE_CHARS = tuple(c for c in string.printable if c not in "\x0b\x0c\r")
# vocab.json's layout; files older than the field are format 1. A newer format is refused
# rather than misread.
FORMAT = 1


class TokenizerError(ValueError):
    """Raised for ids outside the vocabulary or an unreadable vocabulary file."""


@dataclass(frozen=True)
class TokenizerConfig:
    split_lengths: bool = False  # separate pitch and length tokens
    min_count: int = 3  # atoms seen fewer times in the training data are spelled out
    canonical: bool = False  # tunes on the tonic C in L:1/8 (False: as written, older models)
    same_octave: bool = False  # canonical tonics go down to C4 (False: the smaller shift)


def model_text(tune: Tune, config: TokenizerConfig) -> str:
    """The text a model reads for ``tune``: its musical header and body, moved to the
    canonical key and unit when ``config`` says so (may raise ``AbcError``)."""
    return (canonical(tune, config.same_octave) if config.canonical else tune).music_text()


class Tokenizer:
    def __init__(self, tokens: list[str], config: TokenizerConfig = TokenizerConfig()):
        if len(tokens) != len(set(tokens)):
            raise TokenizerError("vocabulary has duplicate tokens")
        if len(tokens) > 65535:
            raise TokenizerError(f"vocabulary of {len(tokens)} tokens does not fit uint16")
        self.config = config
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.pad_id, self.bos_id, self.eos_id = (self.ids[t] for t in SPECIALS)
        self._byte_ids = [self.ids[t] for t in _BYTE_TOKENS]
        self._byte_of = {self.ids[t]: b for b, t in enumerate(_BYTE_TOKENS)}
        # specials and control tokens such as <tradition=irish>: never musical text
        self.special_ids = {i for i, t in enumerate(tokens)
                            if t in SPECIALS or (len(t) > 2 and t[0] == "<" and t[-1] == ">"
                                                 and t[1].isalpha() and i not in self._byte_of)}

    def __len__(self) -> int:
        return len(self.tokens)

    def text_of(self, tune: Tune) -> str:
        return model_text(tune, self.config)

    # -- building -------------------------------------------------------------------------
    @classmethod
    def build(cls, texts: Iterable[str], config: TokenizerConfig = TokenizerConfig(),
              extra_tokens: Iterable[str] = ()) -> Tokenizer:
        """Vocabulary from training texts: specials, ``extra_tokens`` (controls), bytes,
        printable characters, then every atom seen at least ``min_count`` times."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(cls.pieces(text, config))
        tokens = list(SPECIALS) + list(extra_tokens) + list(_BYTE_TOKENS) + list(_BASE_CHARS)
        seen = set(tokens)
        for piece, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if n >= config.min_count and piece not in seen:
                tokens.append(piece)
                seen.add(piece)
        return cls(tokens, config)

    @staticmethod
    def pieces(text: str, config: TokenizerConfig) -> list[str]:
        """The strings a text is cut into before lookup: atoms, or pitch and length parts."""
        pieces = []
        for atom in lex(text):
            if config.split_lengths and atom.kind in (Kind.NOTE, Kind.REST):
                pitch, length = split_length(atom.text)
                pieces.append(pitch)
                if length:
                    pieces.append(length)
            else:
                pieces.append(atom.text)
        return pieces

    # -- encoding -------------------------------------------------------------------------
    def encode(self, text: str, bos: bool = False, eos: bool = False) -> list[int]:
        ids = [self.bos_id] if bos else []
        for piece in self.pieces(text, self.config):
            tid = self.ids.get(piece)
            if tid is not None:
                ids.append(tid)
                continue
            for ch in piece:  # rare atom: spell it out
                cid = self.ids.get(ch)
                if cid is not None:
                    ids.append(cid)
                else:
                    ids.extend(self._byte_ids[b] for b in ch.encode("utf-8"))
        if eos:
            ids.append(self.eos_id)
        return ids

    def decode(self, ids: Iterable[int], skip_special: bool = True) -> str:
        out: list[str] = []
        pending = bytearray()
        for tid in ids:
            tid = int(tid)
            if not 0 <= tid < len(self.tokens):
                raise TokenizerError(f"token id {tid} is outside the vocabulary of {len(self)}")
            byte = self._byte_of.get(tid)
            if byte is not None:
                pending.append(byte)
                continue
            if pending:
                out.append(pending.decode("utf-8", errors="replace"))
                pending.clear()
            token = self.tokens[tid]
            if skip_special and tid in self.special_ids:
                continue
            out.append(token)
        if pending:
            out.append(pending.decode("utf-8", errors="replace"))
        return "".join(out)

    def sounds(self) -> dict[int, tuple[str, str]]:
        """Every token that is one whole note or rest, as the pitch and length ABC writes
        (``^F,3/2`` -> ``("^F,", "3/2")``, ``z2`` -> ``("z", "2")``). A ``split_lengths``
        vocabulary has none: each of its notes is two tokens."""
        if self.config.split_lengths:
            return {}
        out = {}
        for i, token in enumerate(self.tokens):
            if i not in self.special_ids and i not in self._byte_of:
                try:
                    out[i] = split_length(token)
                except ValueError:
                    continue
        return out

    def token_id(self, token: str) -> int:
        try:
            return self.ids[token]
        except KeyError:
            raise TokenizerError(f"token {token!r} is not in the vocabulary") from None

    # -- saving ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        data = {"format": FORMAT, "config": asdict(self.config), "tokens": self.tokens}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Tokenizer:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            version = data.get("format", 1)
            tokens, config = list(data["tokens"]), TokenizerConfig(**data["config"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TokenizerError(f"{path}: not a tunesmith vocabulary ({exc})") from exc
        if not isinstance(version, int) or version > FORMAT:
            raise TokenizerError(f"{path}: vocabulary format {version!r} is newer than this "
                                 f"tunesmith reads ({FORMAT}); upgrade tunesmith")
        return cls(tokens, config)
