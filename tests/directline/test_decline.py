"""A resident who declines: nothing kept, yet Web Chat still sees its message arrive."""

from tests.directline.conftest import Client, Conversation, activities, post


async def test_declining_keeps_the_echo_so_web_chat_does_not_say_send_failed(
    client: Client, conversation: Conversation
) -> None:
    _, watermark = await activities(client, conversation)
    await post(client, conversation, "No, thanks", "client-no-1")
    after, _ = await activities(client, conversation, watermark)
    echoes = [a for a in after if a.get("channelData", {}).get("clientActivityID") == "client-no-1"]
    assert len(echoes) == 1
    assert any("Nothing you sent has been kept" in a.get("text", "") for a in after)
