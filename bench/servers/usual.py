"""The usual way: a Bot Framework bot written as the official Python samples teach it.

The shape of the multi-turn prompt sample: `CloudAdapter`, conversation and
user state on `MemoryStorage`, a component dialog holding a `WaterfallDialog`
of ten `TextPrompt`s, run by `DialogExtensions.run_dialog`, state saved at
the end of every turn, replies sent through the adapter's own connector client
to the activity's `serviceUrl`. Nothing is tuned: this is the yardstick.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from botbuilder.core import (
    ActivityHandler,
    ConversationState,
    MemoryStorage,
    MessageFactory,
    StatePropertyAccessor,
    TurnContext,
    UserState,
)
from botbuilder.core.integration import aiohttp_error_middleware
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogExtensions,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bench.scripts import USUAL_QUESTIONS as QUESTIONS
from bench.scripts import USUAL_THANKS as THANKS

log = logging.getLogger(__name__)


class SurveyDialog(ComponentDialog):
    """Ten questions, one text prompt each, then thanks."""

    def __init__(self, user_state: UserState) -> None:
        super().__init__(SurveyDialog.__name__)
        self.answers_accessor = user_state.create_property("SurveyAnswers")
        steps = [self._asker(index) for index in range(len(QUESTIONS))]
        self.add_dialog(WaterfallDialog(WaterfallDialog.__name__, [*steps, self.finish]))
        self.add_dialog(TextPrompt(TextPrompt.__name__))
        self.initial_dialog_id = WaterfallDialog.__name__

    def _asker(self, index: int) -> Any:
        """The waterfall step that records the last answer and asks question `index`."""

        async def ask(step_context: WaterfallStepContext) -> DialogTurnResult:
            if index > 0:
                step_context.values[f"q{index}"] = step_context.result
            prompt = f"Question {index + 1} of {len(QUESTIONS)}: {QUESTIONS[index]}"
            return await step_context.prompt(
                TextPrompt.__name__, PromptOptions(prompt=MessageFactory.text(prompt))
            )

        return ask

    async def finish(self, step_context: WaterfallStepContext) -> DialogTurnResult:
        """Keep the answers in user state and say thank you."""
        step_context.values[f"q{len(QUESTIONS)}"] = step_context.result
        answers = await self.answers_accessor.get(step_context.context, dict)
        answers.update(step_context.values)
        await step_context.context.send_activity(
            MessageFactory.text(THANKS.format(count=len(step_context.values)))
        )
        return await step_context.end_dialog()


class DialogBot(ActivityHandler):
    """Runs the dialog on every message and saves state at the end of the turn."""

    def __init__(
        self, conversation_state: ConversationState, user_state: UserState, dialog: Dialog
    ) -> None:
        self.conversation_state = conversation_state
        self.user_state = user_state
        self.dialog = dialog
        self.dialog_state: StatePropertyAccessor = conversation_state.create_property("DialogState")

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Handle the activity, then save any state changes."""
        await super().on_turn(turn_context)
        await self.conversation_state.save_changes(turn_context)
        await self.user_state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Continue the dialog, or begin it."""
        await DialogExtensions.run_dialog(self.dialog, turn_context, self.dialog_state)


class _Config:
    """The settings the samples read: an empty app id, as on a developer's machine."""

    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


def create_app() -> web.Application:
    """The sample's application: adapter, state, dialog, bot and the messages route."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_Config()))
    memory = MemoryStorage()
    conversation_state = ConversationState(memory)
    user_state = UserState(memory)
    bot = DialogBot(conversation_state, user_state, SurveyDialog(user_state))

    async def on_error(context: TurnContext, error: Exception) -> None:
        log.error("turn failed: %s", error, exc_info=error)
        await context.send_activity("The bot encountered an error or bug.")
        await conversation_state.delete(context)

    adapter.on_turn_error = on_error

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application(middlewares=[aiohttp_error_middleware])
    app.router.add_post("/api/messages", messages)
    return app
