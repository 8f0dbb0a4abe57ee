"""A tiny agent workflow: the fake model server driven through OpenAIAgentsPlugin, the way
AgentWorkflow drives the real one (model calls are activities)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, RunConfig, Runner, function_tool


# async: openai-agents runs a sync tool in a thread, which the workflow sandbox refuses
# (the model is then told "An error occurred while running the tool").
@function_tool
async def look_up_invoice(invoice: str) -> str:
    """Says whether an invoice is paid.

    Args:
        invoice: The invoice number.
    """
    return f"invoice {invoice} was paid on 2024-05-01"


@workflow.defn
class AskTheClerk:
    """Answers one question with a one-tool agent."""

    @workflow.run
    async def run(self, question: str) -> str:
        agent = Agent(name="Clerk", instructions="Answer questions about invoices.", tools=[look_up_invoice])
        result = await Runner.run(agent, question, run_config=RunConfig(tracing_disabled=True))
        return result.final_output
