from labkit import music

import numpy as np
import pytest

BROKEN = {
    "empty": "",
    "no X: line": "T:Untitled\nM:4/4\nL:1/8\nK:G\nGABc dedB|\n",
    "garbage": "qwerty 1234 !!! ~~~",
    "unclosed chord": "X:1\nM:4/4\nL:1/8\nK:C\n[CEG cdec|\n",
    "unclosed slur": "X:1\nM:4/4\nL:1/8\nK:C\n(CEG cdec|\n",
    "stray bracket": "X:1\nM:4/4\nL:1/8\nK:C\nCEG] cdec|\n",
    "unclosed quote": 'X:1\nM:4/4\nL:1/8\nK:C\n"Am CDE cdec|\n',
    "1 MB": "X:1\nM:4/4\nL:1/8\nK:C\n" + "CDEF GABc|" * 100_000,
    "no notes": "X:1\nM:4/4\nL:1/8\nK:C\nz8|z8|\n",
    "two tunes (an indented X: line)": "X:1\nM:4/4\nL:1/8\nK:C\nCDEF GABc|\n X:2\nK:C\nCDEF GABc|\n",
}


@pytest.fixture(scope="module")
def oneills():
    return music.load_corpus(["oneills1850"])


@pytest.fixture(scope="module")
def playable(oneills):
    return [tune for tune in oneills[:40] if music.check_tune(tune).ok][:5]


def test_split_tunes_handles_the_mess_real_files_have():
    text = ("% a file comment\r\nintro text before any tune\r\n"
            "X:1\r\nT:One % trailing comment\r\nK:G\r\nGABc|\r\n\r\ndedB|\r\n"  # blank line inside tune 1
            "X:2\nT:Two\nK:D\nDEFG|")  # no trailing newline
    assert music.split_tunes(text) == ["X:1\nT:One\nK:G\nGABc|\ndedB|\n", "X:2\nT:Two\nK:D\nDEFG|\n"]


@pytest.mark.parametrize("text", ["", "no tune here\n", "T:title only\nK:G\nabc\n"])
def test_split_tunes_without_a_tune_is_a_one_line_error(text):
    with pytest.raises(ValueError, match=r"^text: .*'X:'") as error:
        music.split_tunes(text)
    assert "\n" not in str(error.value)


def test_clean_tune_keeps_the_header_the_model_needs_and_the_music():
    tune = ('X: 7\nT: First\nT: Second title\nM: 6/8\nL: 1/8\nB: "a book"\nN: a note\nZ: transcriber\n'
            "K: D\nDFA dAF|\nK:G\nGBd gdB|\n")
    assert music.clean_tune(tune) == "X:7\nT:First\nM:6/8\nL:1/8\nK:D\nDFA dAF|\nK:G\nGBd gdB|\n"


@pytest.mark.parametrize(("written", "normalised"), [
    ("K:E Minor", "K:Em"), ("K:EMin", "K:Em"), ("K:A Mixolydian", "K:Amix"), ("K:AMix", "K:Amix"),
    ("K:D Major", "K:D"), ("K:F# Minor", "K:F#m"), ("K:G", "K:G"), ("K:Bb", "K:Bb"), ("K:Bbm", "K:Bbm"),
    ("K:Hp", "K:Hp"), ("T:E Minor", "T:E Minor")])
def test_normalise_key_gives_each_key_one_spelling(written, normalised):
    assert music.normalise_key(written) == normalised


def test_clean_tune_normalises_keys_in_the_header_and_in_the_music():
    tune = "X:1\nT:A\nM:6/8\nK:E Minor\nEGB|\nK:G Major\nGBd|\n"
    assert music.clean_tune(tune) == "X:1\nT:A\nM:6/8\nK:Em\nEGB|\nK:G\nGBd|\n"


def test_load_corpus_has_about_3000_tunes_in_a_fixed_order(oneills):
    ryans = music.load_corpus(["ryansMammoth"])
    assert len(oneills) == 2009 and len(ryans) > 1000
    assert all(tune.startswith("X:") and "\nK:" in tune for tune in oneills + ryans)
    assert oneills[0].startswith("X:1\nT:The Enchanted Valley\n")
    assert music.load_corpus(["oneills1850"]) == oneills


def test_held_out_is_every_tenth_tune(oneills):
    train, held = music.held_out(oneills)
    assert held == oneills[0::10] and len(train) + len(held) == len(oneills)
    assert not set(held) & set(train) - set(oneills[0::10])


@pytest.mark.parametrize("collections", ["oneills1850", [], ["no_such_collection"]])
def test_load_corpus_bad_collections_is_a_one_line_error(collections):
    with pytest.raises(ValueError, match=r"^collections?: ") as error:
        music.load_corpus(collections)
    assert "\n" not in str(error.value)


def test_most_corpus_tunes_pass_check_tune(oneills):
    checks = [music.check_tune(tune) for tune in oneills[::25]]
    assert np.mean([c.ok for c in checks]) > 0.85  # the rest have transcription slips
    good = [c for c in checks if c.ok]
    assert all(c.reason == "" and c.n_notes > 10 and c.n_measures >= 4 for c in good)


@pytest.mark.parametrize("name", BROKEN)
def test_check_tune_says_why_a_broken_tune_is_not_ok_and_never_raises(name):
    check = music.check_tune(BROKEN[name])
    assert not check.ok and check.reason and "\n" not in check.reason


def test_check_tune_catches_an_overfull_bar_and_non_text():
    tune = "X:1\nM:4/4\nL:1/8\nK:C\nCDEF GABc|CDEF GABc d|CDEF GABc|\n"
    assert "longer than the meter" in music.check_tune(tune).reason
    assert music.check_tune(tune.replace(" d|", "|")).ok
    assert not music.check_tune(None).ok


def test_plays_says_which_tunes_the_audio_functions_take_even_the_corpus_own(oneills):
    overfull = "X:1\nM:4/4\nL:1/8\nK:C\nCDEF GABc|CDEF GABc d|CDEF GABc|\n"
    assert music.plays(overfull) and not music.check_tune(overfull).ok  # music21 re-bars it
    assert not any(music.plays(BROKEN[name]) for name in BROKEN)
    unclosed = music.held_out(oneills)[1][3]  # a held-out tune lesson 04 once picked to play
    assert music.check_tune(unclosed).reason == "'(' is never closed" and not music.plays(unclosed)
    with pytest.raises(ValueError, match="never closed"):
        music.play(unclosed)


@pytest.mark.parametrize("name", BROKEN)
def test_audio_functions_raise_one_line_value_errors_on_broken_tunes(name, tmp_path):
    calls = (lambda t: music.to_midi(t, tmp_path / "x.mid"), lambda t: music.write_wav(t, tmp_path / "x.wav"),
             music.render_wave, music.play, music.piano_roll)
    for call in calls:
        with pytest.raises(ValueError, match=r"^abc: ") as error:
            call(BROKEN[name])
        assert "\n" not in str(error.value)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_notes_follow_the_abc_rhythm_and_pitch():
    events = music.notes("X:1\nM:4/4\nL:1/4\nK:C\nC D E2|[CE]4|\n")  # at 120 quarter notes per minute
    np.testing.assert_allclose(events[:3], [[0.0, 0.5, 60], [0.5, 0.5, 62], [1.0, 1.0, 64]])
    assert sorted(events[3:, 2]) == [60, 64] and np.all(events[3:, :2] == [2.0, 2.0])


def test_render_wave_is_float32_in_range_and_lasts_as_long_as_the_tune(playable):
    wave, rate = music.render_wave(playable[0], sample_rate=8000)
    end = music.notes(playable[0])[:, :2].sum(axis=1).max()
    assert rate == 8000 and wave.dtype == np.float32 and np.max(np.abs(wave)) <= 1.0
    assert abs(len(wave) / rate - (end + 0.5)) < 0.01
    spectrum = np.abs(np.fft.rfft(music.render_wave("X:1\nM:4/4\nL:1/4\nK:C\nA4|\n", 8000)[0][:8000]))
    assert np.argmax(spectrum) == 440  # one second of A4: the peak is at 440 Hz


@pytest.mark.parametrize("rate", [0, 44100.0, True, 10**6])
def test_render_wave_bad_sample_rate(rate, playable):
    with pytest.raises(ValueError, match=r"^sample_rate: expected an int"):
        music.render_wave(playable[0], sample_rate=rate)


def test_to_midi_writes_a_midi_file_music21_reads_back(playable, tmp_path):
    from music21 import converter

    for tune in playable:
        path = music.to_midi(tune, tmp_path / "tune.mid")
        assert path.read_bytes()[:4] == b"MThd"
        pitches = sorted(p.midi for n in converter.parse(path).stripTies().flatten().notes for p in n.pitches)
        assert pitches == sorted(music.notes(tune)[:, 2].astype(int).tolist())
    assert [p.name for p in tmp_path.iterdir()] == ["tune.mid"]  # no temporary files left


def test_to_midi_bad_path(playable, tmp_path):
    with pytest.raises(ValueError, match=r"^path: folder .* does not exist"):
        music.to_midi(playable[0], tmp_path / "missing" / "x.mid")
    with pytest.raises(ValueError, match=r"^path: expected"):
        music.to_midi(playable[0], None)
    with pytest.raises(ValueError, match=r"^path: folder"):
        music.write_wav(playable[0], tmp_path / "missing" / "x.wav")


def test_write_wav_round_trips_through_the_wave_module(playable, tmp_path):
    import wave

    path = music.write_wav(playable[0], tmp_path / "tune.wav", sample_rate=8000)
    samples, _ = music.render_wave(playable[0], sample_rate=8000)
    with wave.open(str(path)) as file:
        assert (file.getframerate(), file.getnchannels(), file.getsampwidth()) == (8000, 1, 2)
        frames = np.frombuffer(file.readframes(file.getnframes()), "<i2")
    np.testing.assert_allclose(frames / 32767, samples, atol=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == ["tune.wav"]


def test_play_and_piano_roll(playable):
    audio = music.play(playable[0])
    assert audio.data[:4] == b"RIFF" and int.from_bytes(audio.data[24:28], "little") == 22050  # WAV header
    fig = music.piano_roll(playable[0])
    bars = fig.axes[0].collections
    assert len(bars) == len(music.notes(playable[0])) and fig.axes[0].get_title()


def test_checking_a_tune_with_a_guessed_note_prints_nothing(capsys):
    music.check_tune("X:1\nT:t\nM:4/4\nL:1/8\nK:G\nGABc i2 dedB|")  # music21 guesses "i2" is a C
    assert capsys.readouterr() == ("", "")


# analysis: does a continuation keep its prompt's key and meter?

_IN_G = "X:1\nT:Scale\nM:4/4\nL:1/8\nK:G\nGABc dBGB|c2e2 d2B2|ABcA GBdB|G8|\n"


def test_opening_is_the_header_and_the_first_bars_counting_a_pickup():
    tune = "X:1\nT:t\nM:3/4\nL:1/8\nK:G\nG-E \\\n| D2 E-F G2 |: A6 :| B6 |]\n"
    assert music.opening(tune, 1) == "X:1\nT:t\nM:3/4\nL:1/8\nK:G\nG-E \\\n|"
    header = "X:1\nT:t\nM:3/4\nL:1/8\nK:G\n"
    assert music.opening(tune, 2) == header + "G-E \\\n| D2 E-F G2 |:"  # a repeat sign is a bar line
    assert music.opening(tune, 4).endswith(":| B6 |]")
    assert music.header_and_body(tune) == (header, "G-E \\\n| D2 E-F G2 |: A6 :| B6 |]\n")


def test_key_of_hears_the_notes_not_only_the_key_signature():
    assert music.key_of(_IN_G) == "G major"
    minor = "X:1\nT:m\nM:4/4\nL:1/8\nK:Am\nA2cA EAcA|B2dB GBdB|A2cA EAce|a8|\n"
    assert music.key_of(minor) == "A minor"


def test_bar_length_is_the_most_common_inner_bar_in_quarter_notes():
    assert music.bar_length(_IN_G) == 4.0
    jig = "X:1\nT:j\nM:6/8\nL:1/8\nK:G\nG|GAB cde|dBG AFD|GAB c2|dBG G3|GAB cde|\n"
    assert music.bar_length(jig) == 3.0  # the pickup and the short bar do not count
    as_a_reel = music.header_and_body(_IN_G)[0] + music.header_and_body(jig)[1]
    assert music.bar_length(as_a_reel) == 3.0  # the notes decide, not the M: line


def test_analysis_of_what_is_not_music_is_none_and_bad_arguments_get_one_line_errors():
    assert music.key_of("not abc") is None and music.bar_length("not abc") is None
    assert music.bar_length("X:1\nT:t\nM:4/4\nL:1/8\nK:G\nG8|\n") is None  # no inner bar
    with pytest.raises(ValueError, match=r"^tune: expected ABC with a 'K:' header line, found none$"):
        music.opening("X:1\nT:t\nG|A|")
    with pytest.raises(ValueError, match=r"^tune: expected at least 3 bars of music, found 2$"):
        music.opening("X:1\nT:t\nK:G\nGA|Bc|", 3)
    with pytest.raises(ValueError, match=r"^bars: expected an int >= 1, got 0$"):
        music.opening(_IN_G, 0)
