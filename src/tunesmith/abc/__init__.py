"""The notation core: parse, normalise, tokenize, measure and transpose ABC. No torch here."""

from .durations import Bar, BarProblem, bars, validate
from .keys import Key, parse_key
from .lexer import Atom, Kind, lex
from .normalise import music_atoms, normalise, normalise_body
from .parse import RawTune, parse, parse_tune, split_tunes
from .tokenizer import Tokenizer, TokenizerConfig, TokenizerError
from .transpose import transpose
from .tune import AbcError, Tune, meter_length, tune_from_dict, tune_to_dict

__all__ = [
    "AbcError", "Atom", "Bar", "BarProblem", "Key", "Kind", "RawTune", "Tokenizer",
    "TokenizerConfig", "TokenizerError", "Tune", "bars", "lex", "meter_length", "music_atoms",
    "normalise", "normalise_body", "parse", "parse_key", "parse_tune", "split_tunes", "transpose",
    "tune_from_dict", "tune_to_dict", "validate",
]
