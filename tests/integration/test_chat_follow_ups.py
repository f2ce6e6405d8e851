"""Short follow-ups over HTTP: "and <another LGA>?" repeats the last list for that LGA and says
so, "its rank?" answers for the ward just looked up, "our wards" are the wards of the LGA the
user said is theirs; the focus is kept in the session's stored state between messages."""

from __future__ import annotations

import pandas as pd

from tests.integration.test_chat_api import running, say  # noqa: F401 - fixture
from tests.integration.test_chat_result_tools import _session, demo  # noqa: F401 - fixture


def test_follow_ups_read_against_the_conversation(running, demo):  # noqa: F811
    app, _ = running
    s = _session(app, demo)
    say(s, "run the analysis")
    aid = s.state()["state"]["current_analysis"]
    ranking = pd.DataFrame(s.get(f"/analyses/{aid}/wards", query_string={"limit": 1000})
                           .json["wards"])
    lgas = ranking["LGA"].value_counts().index[:2].tolist()
    first, second = lgas
    in_second = ranking[ranking["LGA"] == second].sort_values("composite_rank")

    reply = say(s, f"top 3 wards in {first}")
    assert first in reply["text"]
    reply = say(s, f"and {second}?")
    assert f"as for {first}" in reply["text"]
    for name in in_second["WardName"].head(3):
        assert name in reply["text"]
    focus = s.state()["state"]["dialogue"]["focus"]
    assert focus["lga"] == second

    # the ward just looked up: its rank
    ward = in_second.iloc[0]
    say(s, f"what is the rainfall of {ward['WardName']} in {second}")
    reply = say(s, "its rank?")
    assert ward["WardName"] in reply["text"]
    assert str(int(ward["composite_rank"])) in reply["text"]

    # the user's own LGA, kept for the conversation
    reply = say(s, f"I'm the focal person for {first}. show me our bottom 2 wards")
    in_first = ranking[ranking["LGA"] == first].sort_values("composite_rank")
    for name in in_first["WardName"].tail(2):
        assert name in reply["text"]
    assert "your LGA" in reply["text"]
    assert s.state()["state"]["dialogue"]["focus"]["own_lga"] == first
