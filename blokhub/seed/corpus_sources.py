"""Event sources for the demo corpus: webhooks from real services and polled APIs/databases.

`{r}` in a source's templates stands for the JS path of the event record and is expanded once at import.
"""

from __future__ import annotations

from collections.abc import Callable

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Source, Step, bearer, call, json_headers, pg_conn


def _x(text: str, rec: str) -> str:
    return text.replace("{r}", rec)


def _hook(
    key: str,
    service: str,
    tags: tuple[str, ...],
    rec: str,
    *,
    clause: str,
    noun: str,
    nouns: str,
    msgs: tuple[str, ...],
    subject: str,
    text: str,
    row: tuple[tuple[str, str], ...],
    table: str,
    channel: str,
    paths: tuple[str, ...],
    email: str | None = None,
    conds: tuple[tuple[str, str], ...] = (),
    filter: str | None = None,
    sig: tuple[str, str, str] | None = None,
    enrich: Callable[[Ctx], Step] | None = None,
    env: tuple[str, ...] = (),
) -> Source:
    return Source(
        key=key,
        service=service,
        tags=tags,
        kind="hook",
        clause=clause,
        noun=noun,
        nouns=nouns,
        msgs=tuple(_x(m, rec) for m in msgs),
        subject=_x(subject, rec),
        text=_x(text, rec),
        row=tuple((col, _x(expr, rec)) for col, expr in row),
        table=table,
        channel=channel,
        env=env,
        email=_x(email, rec) if email else None,
        conds=tuple((_x(a, rec), b) for a, b in conds),
        filter=_x(filter, rec) if filter else None,
        sig=sig,
        paths=paths,
        enrich=enrich,
        event=noun.title(),
    )


def _poll(
    key: str,
    service: str,
    tags: tuple[str, ...],
    fetch: Callable[[Ctx], Step],
    var: str,
    *,
    items: str | None,
    clause: str,
    noun: str,
    nouns: str,
    msgs: tuple[str, ...],
    subject: str,
    text: str,
    table: str,
    channel: str,
    map: str | None = None,
    row: tuple[tuple[str, str], ...] = (),
    conds: tuple[tuple[str, str], ...] = (),
) -> Source:
    """A source read by a first `set_var` step named `var`; `{r}` expands to `ctx.vars['<var>']`."""
    rec = f"ctx.vars['{var}']"
    return Source(
        key=key,
        service=service,
        tags=tags,
        kind="poll",
        clause=clause,
        noun=noun,
        nouns=nouns,
        msgs=tuple(_x(m, rec) for m in msgs),
        subject=_x(subject, rec),
        text=_x(text, rec),
        row=tuple((col, _x(expr, rec)) for col, expr in row),
        table=table,
        channel=channel,
        conds=tuple((_x(a, rec), b) for a, b in conds),
        fetch=fetch,
        items=_x(items, rec) if items else None,
        map=map,
        event=noun.title(),
    )


# --- enrichment steps (webhook sources) -------------------------------------------------------------------


def _stripe_customer(c: Ctx) -> Step:
    return call(
        c,
        "get-customer",
        "GET",
        api("stripe") + "/v1/customers/${ctx.request.body.data.object.customer}",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _github_user(c: Ctx) -> Step:
    h = bearer(c, "GITHUB_TOKEN")
    h["Accept"] = "application/vnd.github+json"
    return call(c, "get-author", "GET", api("github") + "/users/${ctx.request.body.sender.login}", h, set_var=True)


def _shopify_customer(c: Ctx) -> Step:
    c.env.append("SHOPIFY_ACCESS_TOKEN")
    return call(
        c,
        "get-customer",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/customers/"
        "${ctx.request.body.customer.id}.json",
        {"X-Shopify-Access-Token": "${ctx.env.SHOPIFY_ACCESS_TOKEN}", "Content-Type": "application/json"},
        set_var=True,
    )


def _clearbit(c: Ctx) -> Step:
    return call(
        c,
        "enrich-company",
        "GET",
        "https://company.clearbit.com/v2/companies/find?domain=${ctx.request.body.email.split('@')[1]}",
        bearer(c, "CLEARBIT_API_KEY"),
        set_var=True,
    )


def _zendesk_user(c: Ctx) -> Step:
    c.env.append("ZENDESK_BASIC_AUTH")
    return call(
        c,
        "get-requester",
        "GET",
        "https://${ctx.env.ZENDESK_SUBDOMAIN}.zendesk.com/api/v2/users/${ctx.request.body.ticket.requester_id}.json",
        {"Authorization": "Basic ${ctx.env.ZENDESK_BASIC_AUTH}", "Content-Type": "application/json"},
        set_var=True,
    )


_WH = ("/webhooks/:source?", "/", "/webhook", "/events")

HOOKS: tuple[Source, ...] = (
    _hook(
        "stripe-payment-failed",
        "Stripe",
        ("stripe", "payments"),
        "ctx.request.body.data.object",
        clause="a Stripe payment fails",
        noun="failed payment",
        nouns="failed Stripe payments",
        msgs=(
            ":rotating_light: Payment failed for ${{r}.customer_email}: ${{r}.amount_due / 100} "
            "${{r}.currency.toUpperCase()}",
            "Invoice ${{r}.number} could not be charged (attempt ${{r}.attempt_count}). ${{r}.hosted_invoice_url}",
            "Heads up: ${{r}.customer_email}'s card was declined for invoice ${{r}.number}.",
        ),
        subject="Payment failed: invoice ${{r}.number}",
        text="JSON.stringify({r})",
        row=(
            ("invoice_id", "{r}.id"),
            ("customer_email", "{r}.customer_email"),
            ("amount", "{r}.amount_due / 100"),
            ("currency", "{r}.currency"),
            ("attempt", "{r}.attempt_count"),
        ),
        table="failed_payments",
        channel="#billing",
        email="{r}.customer_email",
        conds=(
            ("{r}.amount_due >= 50000", "the amount is 500 or more"),
            ("{r}.attempt_count >= 3", "it is the third failed attempt"),
        ),
        filter='ctx.request.body.type === "invoice.payment_failed"',
        sig=("stripe", "stripe-signature", "STRIPE_WEBHOOK_SECRET"),
        paths=("/webhooks/stripe", "/stripe/events", *_WH),
        enrich=_stripe_customer,
    ),
    _hook(
        "stripe-checkout",
        "Stripe",
        ("stripe", "payments", "ecommerce"),
        "ctx.request.body.data.object",
        clause="a Stripe Checkout session completes",
        noun="completed checkout",
        nouns="Stripe checkouts",
        msgs=(
            ":tada: New order: ${{r}.customer_details.email} paid ${{r}.amount_total / 100} "
            "${{r}.currency.toUpperCase()}",
            "Checkout ${{r}.id} completed by ${{r}.customer_details.name}",
        ),
        subject="New order from ${{r}.customer_details.email}",
        text="JSON.stringify({r})",
        row=(
            ("session_id", "{r}.id"),
            ("email", "{r}.customer_details.email"),
            ("amount", "{r}.amount_total / 100"),
            ("currency", "{r}.currency"),
        ),
        table="orders",
        channel="#sales",
        email="{r}.customer_details.email",
        conds=(
            ("{r}.amount_total > 100000", "the order is over 1,000"),
            ("{r}.mode === 'subscription'", "it starts a subscription"),
        ),
        filter='ctx.request.body.type === "checkout.session.completed"',
        sig=("stripe", "stripe-signature", "STRIPE_WEBHOOK_SECRET"),
        paths=("/webhooks/stripe", "/checkout/completed", *_WH),
        enrich=_stripe_customer,
    ),
    _hook(
        "stripe-churn",
        "Stripe",
        ("stripe", "payments", "saas"),
        "ctx.request.body.data.object",
        clause="a customer cancels their subscription",
        noun="cancellation",
        nouns="Stripe subscription cancellations",
        msgs=(
            "Subscription ${{r}.id} was cancelled (plan: ${{r}.items.data[0].price.nickname}). "
            "Reason: ${{r}.cancellation_details.reason}",
            ":wave: Customer ${{r}.customer} churned from ${{r}.items.data[0].price.nickname}",
        ),
        subject="Cancellation: ${{r}.customer}",
        text="{r}.cancellation_details.feedback",
        row=(
            ("subscription_id", "{r}.id"),
            ("customer_id", "{r}.customer"),
            ("reason", "{r}.cancellation_details.reason"),
        ),
        table="cancellations",
        channel="#customer-success",
        conds=(("{r}.items.data[0].price.unit_amount >= 10000", "it was a high-value plan"),),
        filter='ctx.request.body.type === "customer.subscription.deleted"',
        sig=("stripe", "stripe-signature", "STRIPE_WEBHOOK_SECRET"),
        paths=("/webhooks/stripe", "/subscriptions/cancelled", *_WH),
        enrich=_stripe_customer,
    ),
    _hook(
        "stripe-dispute",
        "Stripe",
        ("stripe", "payments", "finance"),
        "ctx.request.body.data.object",
        clause="a Stripe dispute is opened",
        noun="dispute",
        nouns="Stripe disputes",
        msgs=(
            ":warning: New dispute on charge ${{r}.charge}: ${{r}.amount / 100} ${{r}.currency} (${{r}.reason})",
            "Dispute ${{r}.id} opened, evidence due ${new Date({r}.evidence_details.due_by * 1000).toDateString()}",
        ),
        subject="Dispute opened on ${{r}.charge}",
        text="JSON.stringify({r})",
        row=(
            ("dispute_id", "{r}.id"),
            ("charge_id", "{r}.charge"),
            ("amount", "{r}.amount / 100"),
            ("reason", "{r}.reason"),
        ),
        table="disputes",
        channel="#finance",
        conds=(("{r}.reason === 'fraudulent'", "the reason is fraud"),),
        filter='ctx.request.body.type === "charge.dispute.created"',
        sig=("stripe", "stripe-signature", "STRIPE_WEBHOOK_SECRET"),
        paths=("/webhooks/stripe", "/disputes", *_WH),
    ),
    _hook(
        "paypal-capture",
        "PayPal",
        ("paypal", "payments"),
        "ctx.request.body.resource",
        clause="a PayPal payment is captured",
        noun="payment",
        nouns="PayPal payments",
        msgs=(
            "PayPal payment ${{r}.id} captured: ${{r}.amount.value} ${{r}.amount.currency_code}",
            ":moneybag: ${{r}.amount.value} ${{r}.amount.currency_code} received via PayPal",
        ),
        subject="PayPal payment ${{r}.id}",
        text="JSON.stringify({r})",
        row=(
            ("capture_id", "{r}.id"),
            ("amount", "{r}.amount.value"),
            ("currency", "{r}.amount.currency_code"),
            ("status", "{r}.status"),
        ),
        table="paypal_payments",
        channel="#payments",
        conds=(("Number({r}.amount.value) > 1000", "the payment is over 1,000"),),
        filter='ctx.request.body.event_type === "PAYMENT.CAPTURE.COMPLETED"',
        paths=("/webhooks/paypal", "/paypal", *_WH),
    ),
    _hook(
        "shopify-order",
        "Shopify",
        ("shopify", "ecommerce"),
        "ctx.request.body",
        clause="a new Shopify order comes in",
        noun="new order",
        nouns="new Shopify orders",
        msgs=(
            "New order ${{r}.name} from ${{r}.customer.first_name}: ${{r}.total_price} ${{r}.currency} "
            "(${{r}.line_items.length} items)",
            ":shopping_bags: ${{r}.email} just ordered ${{r}.line_items.map(i => i.title).join(', ')}",
        ),
        subject="Order ${{r}.name} (${{r}.total_price} ${{r}.currency})",
        text="JSON.stringify({r}.line_items)",
        row=(
            ("order_id", "{r}.id"),
            ("order_name", "{r}.name"),
            ("email", "{r}.email"),
            ("total", "{r}.total_price"),
            ("currency", "{r}.currency"),
        ),
        table="orders",
        channel="#orders",
        email="{r}.email",
        conds=(
            ("Number({r}.total_price) > 250", "the order is over 250"),
            ("{r}.tags.includes('wholesale')", "it is a wholesale order"),
            ("{r}.shipping_address.country_code !== 'US'", "it ships internationally"),
        ),
        sig=("shopify", "x-shopify-hmac-sha256", "SHOPIFY_WEBHOOK_SECRET"),
        paths=("/webhooks/shopify", "/orders/create", *_WH),
        enrich=_shopify_customer,
    ),
    _hook(
        "shopify-refund",
        "Shopify",
        ("shopify", "ecommerce", "finance"),
        "ctx.request.body",
        clause="an order is refunded in Shopify",
        noun="refund",
        nouns="Shopify refunds",
        msgs=(
            "Refund issued on order ${{r}.order_id}: ${{r}.transactions[0].amount} "
            "${{r}.transactions[0].currency}. Note: ${{r}.note}",
        ),
        subject="Refund on order ${{r}.order_id}",
        text="{r}.note",
        row=(("refund_id", "{r}.id"), ("order_id", "{r}.order_id"), ("amount", "{r}.transactions[0].amount")),
        table="refunds",
        channel="#finance",
        sig=("shopify", "x-shopify-hmac-sha256", "SHOPIFY_WEBHOOK_SECRET"),
        paths=("/webhooks/shopify", "/refunds", *_WH),
    ),
    _hook(
        "woocommerce-order",
        "WooCommerce",
        ("woocommerce", "ecommerce", "wordpress"),
        "ctx.request.body",
        clause="a WooCommerce order is placed",
        noun="new order",
        nouns="WooCommerce orders",
        msgs=(
            "Order #${{r}.id} from ${{r}.billing.first_name} ${{r}.billing.last_name}: ${{r}.total} ${{r}.currency}",
        ),
        subject="WooCommerce order #${{r}.id}",
        text="JSON.stringify({r}.line_items)",
        row=(("order_id", "{r}.id"), ("email", "{r}.billing.email"), ("total", "{r}.total"), ("status", "{r}.status")),
        table="orders",
        channel="#orders",
        email="{r}.billing.email",
        conds=(
            ("{r}.payment_method === 'cod'", "it is cash on delivery"),
            ("Number({r}.total) > 200", "the total is over 200"),
        ),
        paths=("/woocommerce/order", *_WH),
    ),
    _hook(
        "github-issue",
        "GitHub",
        ("github", "devops"),
        "ctx.request.body",
        clause="someone opens a GitHub issue",
        noun="new issue",
        nouns="new GitHub issues",
        msgs=(
            "New issue in ${{r}.repository.full_name}: ${{r}.issue.title} ${{r}.issue.html_url}",
            ":bug: #${{r}.issue.number} ${{r}.issue.title} (by ${{r}.issue.user.login})",
        ),
        subject="[${{r}.repository.name}] ${{r}.issue.title}",
        text="{r}.issue.title + '\\n' + {r}.issue.body",
        row=(
            ("issue_number", "{r}.issue.number"),
            ("title", "{r}.issue.title"),
            ("author", "{r}.issue.user.login"),
            ("url", "{r}.issue.html_url"),
        ),
        table="github_issues",
        channel="#eng-triage",
        conds=(
            ("{r}.issue.labels.some(l => l.name === 'bug')", "it is labelled bug"),
            ("{r}.issue.author_association === 'NONE'", "it comes from an outside contributor"),
        ),
        filter="ctx.request.headers['x-github-event'] === 'issues' && ctx.request.body.action === 'opened'",
        sig=("github", "x-hub-signature-256", "GITHUB_WEBHOOK_SECRET"),
        paths=("/webhooks/github", "/github", *_WH),
        enrich=_github_user,
    ),
    _hook(
        "github-pr",
        "GitHub",
        ("github", "devops", "code-review"),
        "ctx.request.body",
        clause="a pull request is opened",
        noun="pull request",
        nouns="GitHub pull requests",
        msgs=(
            "PR #${{r}.number} opened by ${{r}.pull_request.user.login}: ${{r}.pull_request.title} "
            "${{r}.pull_request.html_url}",
            ":eyes: Review needed on ${{r}.repository.name}: ${{r}.pull_request.title} "
            "(+${{r}.pull_request.additions} / -${{r}.pull_request.deletions})",
        ),
        subject="Review: ${{r}.pull_request.title}",
        text="{r}.pull_request.title + '\\n' + {r}.pull_request.body",
        row=(
            ("pr_number", "{r}.number"),
            ("title", "{r}.pull_request.title"),
            ("author", "{r}.pull_request.user.login"),
            ("additions", "{r}.pull_request.additions"),
        ),
        table="pull_requests",
        channel="#code-review",
        conds=(
            ("{r}.pull_request.draft === false", "it is ready for review"),
            ("{r}.pull_request.additions > 500", "it is a large change"),
        ),
        filter="ctx.request.headers['x-github-event'] === 'pull_request'",
        sig=("github", "x-hub-signature-256", "GITHUB_WEBHOOK_SECRET"),
        paths=("/webhooks/github", "/github/pulls", *_WH),
        enrich=_github_user,
    ),
    _hook(
        "github-release",
        "GitHub",
        ("github", "releases"),
        "ctx.request.body",
        clause="a new GitHub release is published",
        noun="release",
        nouns="GitHub releases",
        msgs=(
            ":rocket: ${{r}.repository.full_name} ${{r}.release.tag_name} is out! ${{r}.release.html_url}",
            "Released ${{r}.release.name}: ${{r}.release.html_url}",
        ),
        subject="Release ${{r}.release.tag_name}",
        text="{r}.release.body",
        row=(("tag", "{r}.release.tag_name"), ("name", "{r}.release.name"), ("url", "{r}.release.html_url")),
        table="releases",
        channel="#releases",
        conds=(("{r}.release.prerelease === false", "it is a stable release"),),
        filter="ctx.request.body.action === 'published'",
        sig=("github", "x-hub-signature-256", "GITHUB_WEBHOOK_SECRET"),
        paths=("/webhooks/github", "/releases", *_WH),
    ),
    _hook(
        "github-ci-failed",
        "GitHub Actions",
        ("github", "devops", "ci"),
        "ctx.request.body.workflow_run",
        clause="a GitHub Actions run fails",
        noun="failed CI run",
        nouns="failed GitHub Actions runs",
        msgs=(
            ":x: ${{r}.name} failed on ${{r}.head_branch} (${{r}.head_commit.message}) ${{r}.html_url}",
            "CI is red on ${{r}.head_branch}: ${{r}.html_url}",
        ),
        subject="CI failed: ${{r}.name} on ${{r}.head_branch}",
        text="{r}.head_commit.message",
        row=(
            ("run_id", "{r}.id"),
            ("workflow", "{r}.name"),
            ("branch", "{r}.head_branch"),
            ("conclusion", "{r}.conclusion"),
        ),
        table="ci_failures",
        channel="#ci",
        conds=(
            ("{r}.head_branch === 'main'", "the failure is on main"),
            ("{r}.run_attempt > 1", "it already failed once"),
        ),
        filter="ctx.request.body.workflow_run.conclusion === 'failure'",
        sig=("github", "x-hub-signature-256", "GITHUB_WEBHOOK_SECRET"),
        paths=("/webhooks/github", "/ci", *_WH),
    ),
    _hook(
        "gitlab-pipeline",
        "GitLab",
        ("gitlab", "devops", "ci"),
        "ctx.request.body",
        clause="a GitLab pipeline fails",
        noun="failed pipeline",
        nouns="failed GitLab pipelines",
        msgs=(
            "Pipeline #${{r}.object_attributes.id} failed on ${{r}.object_attributes.ref} in "
            "${{r}.project.path_with_namespace}",
        ),
        subject="Pipeline failed: ${{r}.project.name}",
        text="{r}.commit.message",
        row=(
            ("pipeline_id", "{r}.object_attributes.id"),
            ("ref", "{r}.object_attributes.ref"),
            ("project", "{r}.project.path_with_namespace"),
        ),
        table="pipeline_failures",
        channel="#ci",
        conds=(("{r}.object_attributes.ref === 'main'", "the failure is on main"),),
        filter="{r}.object_attributes.status === 'failed'",
        paths=("/webhooks/gitlab", "/gitlab", *_WH),
    ),
    _hook(
        "gitlab-mr",
        "GitLab",
        ("gitlab", "devops", "code-review"),
        "ctx.request.body.object_attributes",
        clause="a GitLab merge request is opened",
        noun="merge request",
        nouns="GitLab merge requests",
        msgs=("MR !${{r}.iid}: ${{r}.title} (${{r}.source_branch} → ${{r}.target_branch}) ${{r}.url}",),
        subject="MR: ${{r}.title}",
        text="{r}.title + '\\n' + {r}.description",
        row=(("mr_iid", "{r}.iid"), ("title", "{r}.title"), ("url", "{r}.url")),
        table="merge_requests",
        channel="#code-review",
        conds=(("{r}.draft === false", "it is not a draft"),),
        filter="ctx.request.body.object_kind === 'merge_request'",
        paths=("/webhooks/gitlab", "/gitlab/mr", *_WH),
    ),
    _hook(
        "jira-issue",
        "Jira",
        ("jira", "project-management"),
        "ctx.request.body.issue",
        clause="a Jira issue is created",
        noun="new issue",
        nouns="new Jira issues",
        msgs=(
            "${{r}.key}: ${{r}.fields.summary} [${{r}.fields.priority.name}]",
            "New ${{r}.fields.issuetype.name} in ${{r}.fields.project.name}: ${{r}.fields.summary}",
        ),
        subject="${{r}.key} ${{r}.fields.summary}",
        text="{r}.fields.summary + '\\n' + {r}.fields.description",
        row=(("issue_key", "{r}.key"), ("summary", "{r}.fields.summary"), ("priority", "{r}.fields.priority.name")),
        table="jira_issues",
        channel="#eng",
        conds=(
            ("['Highest', 'High'].includes({r}.fields.priority.name)", "the priority is high"),
            ("{r}.fields.issuetype.name === 'Bug'", "it is a bug"),
        ),
        filter="ctx.request.body.webhookEvent === 'jira:issue_created'",
        paths=("/webhooks/jira", "/jira", *_WH),
    ),
    _hook(
        "typeform",
        "Typeform",
        ("typeform", "forms"),
        "ctx.request.body.form_response",
        clause="someone submits a Typeform",
        noun="form response",
        nouns="Typeform responses",
        msgs=(
            "New response to ${{r}.definition.title} (submitted ${{r}.submitted_at})",
            ":memo: ${{r}.answers.length} answers received for ${{r}.definition.title}",
        ),
        subject="New ${{r}.definition.title} response",
        text="JSON.stringify({r}.answers)",
        row=(("response_id", "{r}.token"), ("form", "{r}.definition.title"), ("submitted_at", "{r}.submitted_at")),
        table="form_responses",
        channel="#feedback",
        email="{r}.answers.find(a => a.type === 'email')?.email",
        conds=(("{r}.calculated.score >= 9", "the score is 9 or higher"),),
        sig=("typeform", "typeform-signature", "TYPEFORM_WEBHOOK_SECRET"),
        paths=("/webhooks/typeform", "/forms/:formId?", *_WH),
    ),
    _hook(
        "contact-form",
        "Website",
        ("forms", "website", "leads"),
        "ctx.request.body",
        clause="someone fills in the contact form",
        noun="contact request",
        nouns="contact form submissions",
        msgs=(
            "New contact request from ${{r}.name} <${{r}.email}>: ${{r}.message}",
            ":envelope: ${{r}.name} (${{r}.company}) wants to talk: ${{r}.message}",
        ),
        subject="Contact request from ${{r}.name}",
        text="{r}.message",
        row=(("name", "{r}.name"), ("email", "{r}.email"), ("company", "{r}.company"), ("message", "{r}.message")),
        table="contact_requests",
        channel="#leads",
        email="{r}.email",
        conds=(
            ("{r}.company && {r}.company.length > 0", "a company name was given"),
            ("/pricing|quote|demo/i.test({r}.message)", "they ask about pricing or a demo"),
        ),
        paths=("/contact", "/forms/contact", "/"),
        enrich=_clearbit,
    ),
    _hook(
        "app-signup",
        "Clerk",
        ("clerk", "signups", "growth", "saas"),
        "ctx.request.body.data",
        clause="a new user signs up",
        noun="signup",
        nouns="new signups",
        msgs=(
            ":wave: New signup: ${{r}.email_addresses[0].email_address} on the ${{r}.public_metadata.plan} plan",
            "${{r}.first_name} ${{r}.last_name} just signed up (${{r}.public_metadata.plan})",
        ),
        subject="Welcome aboard, ${{r}.first_name}!",
        text="JSON.stringify({r})",
        row=(
            ("user_id", "{r}.id"),
            ("email", "{r}.email_addresses[0].email_address"),
            ("first_name", "{r}.first_name"),
            ("plan", "{r}.public_metadata.plan"),
        ),
        table="signups",
        channel="#growth",
        email="{r}.email_addresses[0].email_address",
        conds=(
            ("{r}.public_metadata.plan === 'enterprise'", "they picked the enterprise plan"),
            ("!/@(gmail|yahoo|outlook)\\./.test({r}.email_addresses[0].email_address)", "they used a work e-mail"),
        ),
        filter="ctx.request.body.type === 'user.created'",
        sig=("svix", "svix-signature", "CLERK_WEBHOOK_SECRET"),
        paths=("/webhooks/clerk", "/signup", "/users/created", *_WH),
    ),
    _hook(
        "calendly",
        "Calendly",
        ("calendly", "scheduling", "calendar"),
        "ctx.request.body.payload",
        clause="a meeting is booked in Calendly",
        noun="new booking",
        nouns="Calendly bookings",
        msgs=(
            ":calendar: ${{r}.name} booked ${{r}.scheduled_event.name} for "
            "${new Date({r}.scheduled_event.start_time).toUTCString()}",
            "New booking: ${{r}.name} <${{r}.email}>",
        ),
        subject="Booked: ${{r}.scheduled_event.name} with ${{r}.name}",
        text="JSON.stringify({r}.questions_and_answers)",
        row=(
            ("invitee", "{r}.name"),
            ("email", "{r}.email"),
            ("event", "{r}.scheduled_event.name"),
            ("starts_at", "{r}.scheduled_event.start_time"),
        ),
        table="bookings",
        channel="#sales",
        email="{r}.email",
        conds=(("{r}.scheduled_event.name.includes('Demo')", "it is a demo call"),),
        filter="ctx.request.body.event === 'invitee.created'",
        paths=("/webhooks/calendly", "/bookings", *_WH),
    ),
    _hook(
        "twilio-sms",
        "Twilio",
        ("twilio", "sms"),
        "ctx.request.body",
        clause="an SMS arrives on your Twilio number",
        noun="inbound SMS",
        nouns="inbound SMS messages",
        msgs=(":iphone: SMS from ${{r}.From}: ${{r}.Body}",),
        subject="SMS from ${{r}.From}",
        text="{r}.Body",
        row=(("message_sid", "{r}.MessageSid"), ("from_number", "{r}.From"), ("body", "{r}.Body")),
        table="sms_inbox",
        channel="#support",
        conds=(
            ("/^stop$/i.test({r}.Body.trim())", "the sender replied STOP"),
            ("{r}.Body.toLowerCase().includes('help')", "they ask for help"),
        ),
        sig=("twilio", "x-twilio-signature", "TWILIO_AUTH_TOKEN"),
        paths=("/sms", "/twilio/inbound", *_WH),
    ),
    _hook(
        "zendesk-ticket",
        "Zendesk",
        ("zendesk", "support"),
        "ctx.request.body.ticket",
        clause="a Zendesk ticket is created",
        noun="new support ticket",
        nouns="new Zendesk tickets",
        msgs=(
            "Ticket #${{r}.id} [${{r}.priority}]: ${{r}.subject}",
            ":ticket: ${{r}.requester.name} wrote in: ${{r}.subject}",
        ),
        subject="Ticket #${{r}.id}: ${{r}.subject}",
        text="{r}.subject + '\\n' + {r}.description",
        row=(
            ("ticket_id", "{r}.id"),
            ("subject", "{r}.subject"),
            ("priority", "{r}.priority"),
            ("requester_email", "{r}.requester.email"),
        ),
        table="tickets",
        channel="#support",
        email="{r}.requester.email",
        conds=(
            ("{r}.priority === 'urgent'", "it is marked urgent"),
            ("{r}.tags.includes('vip')", "the customer is tagged VIP"),
        ),
        paths=("/webhooks/zendesk", "/tickets", *_WH),
        enrich=_zendesk_user,
    ),
    _hook(
        "intercom",
        "Intercom",
        ("intercom", "support", "chat"),
        "ctx.request.body.data.item",
        clause="a new Intercom conversation starts",
        noun="new conversation",
        nouns="Intercom conversations",
        msgs=("New conversation from ${{r}.source.author.name}: ${{r}.source.body}",),
        subject="Conversation with ${{r}.source.author.name}",
        text="{r}.source.body",
        row=(("conversation_id", "{r}.id"), ("author_email", "{r}.source.author.email")),
        table="conversations",
        channel="#support",
        email="{r}.source.author.email",
        filter="ctx.request.body.topic === 'conversation.user.created'",
        paths=("/webhooks/intercom", "/intercom", *_WH),
    ),
    _hook(
        "sentry-error",
        "Sentry",
        ("sentry", "monitoring", "devops"),
        "ctx.request.body.data.issue",
        clause="Sentry reports a new error",
        noun="new error",
        nouns="new Sentry errors",
        msgs=(
            ":fire: ${{r}.title} in ${{r}.culprit} (${{r}.level}) ${{r}.permalink}",
            "New ${{r}.level} in ${{r}.project.name}: ${{r}.title}",
        ),
        subject="[${{r}.level}] ${{r}.title}",
        text="{r}.title + ' at ' + {r}.culprit",
        row=(("issue_id", "{r}.id"), ("title", "{r}.title"), ("level", "{r}.level"), ("url", "{r}.permalink")),
        table="errors",
        channel="#incidents",
        conds=(
            ("{r}.level === 'fatal'", "the level is fatal"),
            ("{r}.count > 100", "it has happened more than 100 times"),
        ),
        filter="ctx.request.body.action === 'created'",
        sig=("sentry", "sentry-hook-signature", "SENTRY_CLIENT_SECRET"),
        paths=("/webhooks/sentry", "/alerts/sentry", *_WH),
    ),
    _hook(
        "pagerduty",
        "PagerDuty",
        ("pagerduty", "incidents", "devops"),
        "ctx.request.body.event.data",
        clause="a PagerDuty incident is triggered",
        noun="incident",
        nouns="PagerDuty incidents",
        msgs=(":red_circle: ${{r}.title} (${{r}.urgency} urgency) on ${{r}.service.summary} ${{r}.html_url}",),
        subject="Incident: ${{r}.title}",
        text="{r}.title",
        row=(("incident_id", "{r}.id"), ("title", "{r}.title"), ("urgency", "{r}.urgency")),
        table="incidents",
        channel="#incidents",
        conds=(("{r}.urgency === 'high'", "the urgency is high"),),
        filter="ctx.request.body.event.event_type === 'incident.triggered'",
        paths=("/webhooks/pagerduty", "/incidents", *_WH),
    ),
    _hook(
        "datadog",
        "Datadog",
        ("datadog", "monitoring", "devops"),
        "ctx.request.body",
        clause="a Datadog monitor fires",
        noun="monitor alert",
        nouns="Datadog alerts",
        msgs=("${{r}.title} [${{r}.alert_type}] ${{r}.link}",),
        subject="${{r}.title}",
        text="{r}.body",
        row=(("alert_id", "{r}.id"), ("title", "{r}.title"), ("alert_type", "{r}.alert_type")),
        table="alerts",
        channel="#alerts",
        conds=(("{r}.alert_type === 'error'", "it is an error alert"), ("{r}.priority === 'P1'", "the priority is P1")),
        paths=("/webhooks/datadog", "/alerts", *_WH),
    ),
    _hook(
        "uptime",
        "UptimeRobot",
        ("uptime", "monitoring"),
        "ctx.request.body",
        clause="a site goes down",
        noun="downtime alert",
        nouns="downtime alerts",
        msgs=(":rotating_light: ${{r}.monitorFriendlyName} is ${{r}.alertTypeFriendlyName}: ${{r}.alertDetails}",),
        subject="${{r}.monitorFriendlyName} is ${{r}.alertTypeFriendlyName}",
        text="{r}.alertDetails",
        row=(
            ("monitor", "{r}.monitorFriendlyName"),
            ("status", "{r}.alertTypeFriendlyName"),
            ("url", "{r}.monitorURL"),
        ),
        table="uptime_events",
        channel="#ops",
        conds=(("{r}.alertType === '1'", "the monitor is down"),),
        paths=("/uptime", *_WH),
    ),
    _hook(
        "slack-command",
        "Slack",
        ("slack", "chatops"),
        "ctx.request.body",
        clause="someone runs a Slack slash command",
        noun="slash command",
        nouns="Slack slash commands",
        msgs=("Got it, ${{r}.user_name}! Working on: ${{r}.text}",),
        subject="/${{r}.command} from ${{r}.user_name}",
        text="{r}.text",
        row=(("user_name", "{r}.user_name"), ("channel", "{r}.channel_name"), ("text", "{r}.text")),
        table="slash_commands",
        channel="#ops",
        conds=(
            ("{r}.text.startsWith('deploy')", "the command starts with deploy"),
            ("{r}.text.trim() === ''", "no arguments were given"),
        ),
        sig=("slack", "x-slack-signature", "SLACK_SIGNING_SECRET"),
        paths=("/slack/commands", "/commands/:name?", "/"),
    ),
    _hook(
        "telegram-bot",
        "Telegram",
        ("telegram", "bots", "chat"),
        "ctx.request.body.message",
        clause="your Telegram bot gets a message",
        noun="bot message",
        nouns="Telegram messages",
        msgs=("@${{r}.from.username} says: ${{r}.text}",),
        subject="Telegram message from ${{r}.from.first_name}",
        text="{r}.text",
        row=(("chat_id", "{r}.chat.id"), ("username", "{r}.from.username"), ("text", "{r}.text")),
        table="telegram_messages",
        channel="#community",
        conds=(
            ("{r}.text.startsWith('/start')", "it is the /start command"),
            ("{r}.text.startsWith('/help')", "it is the /help command"),
        ),
        paths=("/telegram/webhook", "/bot", *_WH),
    ),
    _hook(
        "inbound-email",
        "Mailgun",
        ("email", "mailgun", "support"),
        "ctx.request.body",
        clause="an e-mail arrives in the support inbox",
        noun="inbound e-mail",
        nouns="inbound e-mails",
        msgs=(":incoming_envelope: ${{r}.sender}: ${{r}.subject}",),
        subject="Fwd: ${{r}.subject}",
        text="{r}['body-plain']",
        row=(("sender", "{r}.sender"), ("subject", "{r}.subject"), ("received_at", "{r}.timestamp")),
        table="inbound_emails",
        channel="#support",
        email="{r}.sender",
        conds=(
            ("/invoice|receipt/i.test({r}.subject)", "the subject mentions an invoice"),
            ("/urgent|asap/i.test({r}.subject)", "it looks urgent"),
        ),
        paths=("/inbound/email", "/mailgun", *_WH),
    ),
    _hook(
        "s3-upload",
        "Amazon S3",
        ("s3", "aws", "storage"),
        "ctx.request.body.Records[0].s3",
        clause="a file lands in an S3 bucket",
        noun="new upload",
        nouns="S3 uploads",
        msgs=("New file s3://${{r}.bucket.name}/${{r}.object.key} (${{r}.object.size} bytes)",),
        subject="New upload: ${{r}.object.key}",
        text="{r}.object.key",
        row=(("bucket", "{r}.bucket.name"), ("object_key", "{r}.object.key"), ("size", "{r}.object.size")),
        table="uploads",
        channel="#data",
        conds=(
            ("{r}.object.key.endsWith('.csv')", "the file is a CSV"),
            ("{r}.object.key.endsWith('.pdf')", "the file is a PDF"),
        ),
        paths=("/s3/events", "/uploads", *_WH),
    ),
    _hook(
        "hubspot-deal",
        "HubSpot",
        ("hubspot", "crm", "sales"),
        "ctx.request.body[0]",
        clause="a HubSpot deal changes stage",
        noun="deal update",
        nouns="HubSpot deal updates",
        msgs=(
            "Deal ${{r}.objectId} moved to ${{r}.propertyValue}",
            ":handshake: HubSpot deal ${{r}.objectId} is now ${{r}.propertyValue}",
        ),
        subject="Deal ${{r}.objectId}: ${{r}.propertyValue}",
        text="JSON.stringify({r})",
        row=(("deal_id", "{r}.objectId"), ("stage", "{r}.propertyValue"), ("changed_at", "{r}.occurredAt")),
        table="deal_events",
        channel="#sales",
        conds=(
            ("{r}.propertyValue === 'closedwon'", "the deal is closed won"),
            ("{r}.propertyValue === 'closedlost'", "the deal is lost"),
        ),
        filter="ctx.request.body[0].subscriptionType === 'deal.propertyChange'",
        paths=("/webhooks/hubspot", "/hubspot", *_WH),
    ),
    _hook(
        "pipedrive-won",
        "Pipedrive",
        ("pipedrive", "crm", "sales"),
        "ctx.request.body.current",
        clause="a deal is won in Pipedrive",
        noun="won deal",
        nouns="won Pipedrive deals",
        msgs=(":trophy: ${{r}.owner_name} closed ${{r}.title} for ${{r}.value} ${{r}.currency}!",),
        subject="Deal won: ${{r}.title}",
        text="JSON.stringify({r})",
        row=(("deal_id", "{r}.id"), ("title", "{r}.title"), ("value", "{r}.value"), ("owner", "{r}.owner_name")),
        table="won_deals",
        channel="#wins",
        conds=(("{r}.value >= 10000", "the deal is worth 10k or more"),),
        filter="ctx.request.body.current.status === 'won' && ctx.request.body.previous.status !== 'won'",
        paths=("/webhooks/pipedrive", "/deals/won", *_WH),
    ),
    _hook(
        "mailchimp-subscribe",
        "Mailchimp",
        ("mailchimp", "marketing", "email"),
        "ctx.request.body.data",
        clause="someone joins your Mailchimp list",
        noun="new subscriber",
        nouns="new Mailchimp subscribers",
        msgs=("New subscriber: ${{r}.email} (${{r}.merges.FNAME})",),
        subject="New subscriber ${{r}.email}",
        text="JSON.stringify({r}.merges)",
        row=(("email", "{r}.email"), ("first_name", "{r}.merges.FNAME"), ("list_id", "{r}.list_id")),
        table="subscribers",
        channel="#marketing",
        email="{r}.email",
        filter="ctx.request.body.type === 'subscribe'",
        paths=("/webhooks/mailchimp", "/newsletter", *_WH),
    ),
    _hook(
        "docusign",
        "DocuSign",
        ("docusign", "contracts", "sales"),
        "ctx.request.body.data.envelopeSummary",
        clause="a DocuSign contract is signed",
        noun="signed contract",
        nouns="signed DocuSign contracts",
        msgs=(':pen: "${{r}.emailSubject}" was signed by all parties',),
        subject="Signed: ${{r}.emailSubject}",
        text="{r}.emailSubject",
        row=(("envelope_id", "{r}.envelopeId"), ("subject", "{r}.emailSubject"), ("status", "{r}.status")),
        table="contracts",
        channel="#deals",
        email="{r}.sender.email",
        filter="ctx.request.body.event === 'envelope-completed'",
        paths=("/webhooks/docusign", "/contracts/signed", *_WH),
    ),
    _hook(
        "feedback",
        "Feedback widget",
        ("feedback", "product"),
        "ctx.request.body",
        clause="a user leaves product feedback",
        noun="feedback item",
        nouns="product feedback",
        msgs=("Feedback from ${{r}.email} (${{r}.rating}/5): ${{r}.comment}",),
        subject="Feedback: ${{r}.title}",
        text="{r}.comment",
        row=(("feedback_id", "{r}.id"), ("rating", "{r}.rating"), ("comment", "{r}.comment")),
        table="feedback",
        channel="#product",
        email="{r}.email",
        conds=(("{r}.rating <= 2", "the rating is 2 or lower"), ("{r}.rating >= 4", "the rating is 4 or 5")),
        paths=("/feedback", "/:function?", "/"),
    ),
)


# --- polled sources ---------------------------------------------------------------------------------------


def _f_hubspot(c: Ctx) -> Step:
    return call(
        c,
        "get-hubspot-contacts",
        "GET",
        api("hubspot") + "/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,company",
        bearer(c, "HUBSPOT_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_salesforce(c: Ctx) -> Step:
    return call(
        c,
        "get-new-leads",
        "GET",
        "https://${ctx.env.SALESFORCE_INSTANCE}.my.salesforce.com/services/data/v60.0/query"
        "?q=SELECT+Id,Name,Email,Company,Status+FROM+Lead+WHERE+CreatedDate=YESTERDAY",
        bearer(c, "SALESFORCE_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_pipedrive(c: Ctx) -> Step:
    c.env.append("PIPEDRIVE_API_TOKEN")
    return call(
        c,
        "get-open-deals",
        "GET",
        "https://api.pipedrive.com/v1/deals?status=open&limit=100&api_token=${ctx.env.PIPEDRIVE_API_TOKEN}",
        json_headers(),
        set_var=True,
    )


def _f_stripe(c: Ctx) -> Step:
    return call(
        c,
        "get-charges",
        "GET",
        api("stripe") + "/v1/charges?limit=100&created[gte]=${Math.floor(Date.now() / 1000) - 86400}",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _f_stripe_subs(c: Ctx) -> Step:
    return call(
        c,
        "get-subscriptions",
        "GET",
        api("stripe") + "/v1/subscriptions?status=active&limit=100",
        bearer(c, "STRIPE_SECRET_KEY"),
        set_var=True,
    )


def _shopify_headers(c: Ctx) -> dict[str, str]:
    c.env.append("SHOPIFY_ACCESS_TOKEN")
    return {"X-Shopify-Access-Token": "${ctx.env.SHOPIFY_ACCESS_TOKEN}", "Content-Type": "application/json"}


def _f_shopify_orders(c: Ctx) -> Step:
    return call(
        c,
        "get-orders",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/orders.json?status=any&limit=250",
        _shopify_headers(c),
        set_var=True,
    )


def _f_shopify_products(c: Ctx) -> Step:
    return call(
        c,
        "get-products",
        "GET",
        "https://${ctx.env.SHOPIFY_STORE}.myshopify.com/admin/api/2024-10/products.json?limit=250",
        _shopify_headers(c),
        set_var=True,
    )


def _gh(c: Ctx) -> dict[str, str]:
    h = bearer(c, "GITHUB_TOKEN")
    h["Accept"] = "application/vnd.github+json"
    return h


def _f_gh_issues(c: Ctx) -> Step:
    return call(
        c,
        "get-open-issues",
        "GET",
        api("github") + "/repos/${ctx.env.GITHUB_REPOSITORY}/issues?state=open&per_page=50",
        _gh(c),
        set_var=True,
    )


def _f_gh_prs(c: Ctx) -> Step:
    return call(
        c,
        "get-open-prs",
        "GET",
        api("github") + "/repos/${ctx.env.GITHUB_REPOSITORY}/pulls?state=open&per_page=50",
        _gh(c),
        set_var=True,
    )


def _f_jira(c: Ctx) -> Step:
    c.env.append("JIRA_BASIC_AUTH")
    return call(
        c,
        "get-sprint-issues",
        "GET",
        "https://${ctx.env.JIRA_DOMAIN}.atlassian.net/rest/api/3/search?jql=sprint%20in%20openSprints()&maxResults=100",
        {"Authorization": "Basic ${ctx.env.JIRA_BASIC_AUTH}", "Accept": "application/json"},
        set_var=True,
    )


def _f_gcal(c: Ctx) -> Step:
    return call(
        c,
        "get-todays-events",
        "GET",
        api("drive") + "/calendar/v3/calendars/primary/events?singleEvents=true"
        "&orderBy=startTime&timeMin=${new Date().toISOString()}&maxResults=20",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        set_var=True,
    )


_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Berlin", "52.52", "13.41"),
    ("Lisbon", "38.72", "-9.14"),
    ("Lagos", "6.45", "3.39"),
    ("Toronto", "43.65", "-79.38"),
    ("Tokyo", "35.68", "139.69"),
    ("São Paulo", "-23.55", "-46.63"),
    ("Bangalore", "12.97", "77.59"),
    ("Nairobi", "-1.29", "36.82"),
    ("Austin", "30.27", "-97.74"),
    ("Melbourne", "-37.81", "144.96"),
    ("Warsaw", "52.23", "21.01"),
    ("Seoul", "37.57", "126.98"),
)


def _f_weather(c: Ctx) -> Step:
    _, lat, lon = c.pick(_CITIES)
    if c.chance(0.5):
        return call(
            c,
            "get-forecast",
            "GET",
            f"{api('weather')}/v1/forecast?latitude={lat}&longitude={lon}"
            "&daily=temperature_2m_max,temperature_2m_min,precipitation_sum&timezone=auto&forecast_days=1",
            json_headers(),
            set_var=True,
        )
    c.env.append("OPENWEATHER_API_KEY")
    return call(
        c,
        "get-forecast",
        "GET",
        f"https://api.openweathermap.org/data/2.5/forecast?lat={lat}&lon={lon}&units=metric"
        "&appid=${ctx.env.OPENWEATHER_API_KEY}",
        json_headers(),
        set_var=True,
    )


def _f_rates(c: Ctx) -> Step:
    return call(
        c,
        "get-rates",
        "GET",
        api("rates") + "/latest?from=EUR&to=USD,GBP,JPY,CHF",
        json_headers(),
        set_var=True,
    )


def _f_crypto(c: Ctx) -> Step:
    return call(
        c,
        "get-prices",
        "GET",
        api("crypto") + "/api/v3/simple/price?ids=bitcoin,ethereum,solana&vs_currencies=usd&include_24hr_change=true",
        json_headers(),
        set_var=True,
    )


def _f_signups_pg(c: Ctx) -> Step:
    inputs = pg_conn(c, "app")
    inputs["query"] = (
        "SELECT id, email, plan, company, created_at FROM users "
        "WHERE created_at > now() - interval '1 day' ORDER BY created_at"
    )
    return c.step("get-new-signups", "postgres-query", inputs, set_var=True)


def _f_orders_mongo(c: Ctx) -> Step:
    return c.step(
        "get-pending-orders",
        "mongo-query",
        {"collection": "orders", "filter": {"status": "pending"}, "limit": 200, "sort": {"createdAt": -1}},
        set_var=True,
    )


def _f_plausible(c: Ctx) -> Step:
    return call(
        c,
        "get-traffic",
        "GET",
        "https://plausible.io/api/v1/stats/aggregate?site_id=${ctx.env.PLAUSIBLE_SITE_ID}&period=day"
        "&metrics=visitors,pageviews,bounce_rate,visit_duration",
        bearer(c, "PLAUSIBLE_API_KEY"),
        set_var=True,
    )


def _f_zendesk(c: Ctx) -> Step:
    c.env.append("ZENDESK_BASIC_AUTH")
    return call(
        c,
        "get-open-tickets",
        "GET",
        "https://${ctx.env.ZENDESK_SUBDOMAIN}.zendesk.com/api/v2/search.json"
        "?query=type:ticket%20status:open&sort_by=created_at",
        {"Authorization": "Basic ${ctx.env.ZENDESK_BASIC_AUTH}", "Content-Type": "application/json"},
        set_var=True,
    )


def _f_sentry(c: Ctx) -> Step:
    return call(
        c,
        "get-unresolved-errors",
        "GET",
        "https://sentry.io/api/0/projects/${ctx.env.SENTRY_ORG}/${ctx.env.SENTRY_PROJECT}/issues/"
        "?query=is:unresolved&statsPeriod=24h",
        bearer(c, "SENTRY_AUTH_TOKEN"),
        set_var=True,
    )


def _f_health(c: Ctx) -> Step:
    c.env.append("APP_BASE_URL")
    return call(c, "check-health", "GET", "${ctx.env.APP_BASE_URL}/health", json_headers(), set_var=True)


def _f_airtable(c: Ctx) -> Step:
    return call(
        c,
        "get-airtable-records",
        "GET",
        "https://api.airtable.com/v0/${ctx.env.AIRTABLE_BASE_ID}/Leads?view=Grid%20view&pageSize=100",
        bearer(c, "AIRTABLE_TOKEN"),
        set_var=True,
    )


def _f_notion(c: Ctx) -> Step:
    h = bearer(c, "NOTION_TOKEN")
    h["Notion-Version"] = "2022-06-28"
    return call(
        c,
        "query-notion",
        "POST",
        "https://api.notion.com/v1/databases/${ctx.env.NOTION_DATABASE_ID}/query",
        h,
        {"filter": {"property": "Status", "status": {"equals": "To do"}}, "page_size": 50},
        set_var=True,
    )


def _f_sheets(c: Ctx) -> Step:
    return call(
        c,
        "read-sheet",
        "GET",
        api("sheets") + "/v4/spreadsheets/${ctx.env.GOOGLE_SHEET_ID}/values/Inventory!A2:E",
        bearer(c, "GOOGLE_ACCESS_TOKEN"),
        set_var=True,
    )


def _f_mysql(c: Ctx) -> Step:
    c.env.extend(("MYSQL_HOST", "MYSQL_USER", "MYSQL_PASSWORD"))
    return c.step(
        "get-abandoned-carts",
        "@community/mysql-query",
        {
            "host": "${ctx.env.MYSQL_HOST}",
            "user": "${ctx.env.MYSQL_USER}",
            "password": "${ctx.env.MYSQL_PASSWORD}",
            "database": "shop",
            "query": "SELECT c.id, c.email, c.total, c.updated_at FROM carts c WHERE c.status = 'open' "
            "AND c.updated_at < NOW() - INTERVAL 3 HOUR LIMIT 200",
        },
        set_var=True,
    )


def _f_rss(c: Ctx) -> Step:
    feed = c.pick(
        (
            "https://github.blog/feed/",
            "https://hnrss.org/frontpage",
            "https://blog.cloudflare.com/rss/",
            "https://aws.amazon.com/blogs/aws/feed/",
            "https://www.postgresql.org/news.rss",
        )
    )
    return c.step("read-feed", "@community/rss-reader", {"url": feed, "limit": 10, "since": "24h"}, set_var=True)


def _f_nasa(c: Ctx) -> Step:
    c.env.append("NASA_API_KEY")
    return call(
        c,
        "get-apod",
        "GET",
        "https://api.nasa.gov/planetary/apod?api_key=${ctx.env.NASA_API_KEY}",
        json_headers(),
        set_var=True,
    )


POLLS: tuple[Source, ...] = (
    _poll(
        "hubspot-contacts",
        "HubSpot",
        ("hubspot", "crm"),
        _f_hubspot,
        "get-hubspot-contacts",
        items="{r}.results",
        clause="new contacts show up in HubSpot",
        noun="contact",
        nouns="new HubSpot contacts",
        map="{ id: data.id, email: data.properties.email, first_name: data.properties.firstname, "
        "last_name: data.properties.lastname, company: data.properties.company }",
        msgs=(
            "${{r}.results.length} new HubSpot contacts synced",
            ":busts_in_silhouette: HubSpot sync done: ${{r}.results.length} contacts",
        ),
        subject="HubSpot sync: ${{r}.results.length} contacts",
        text="JSON.stringify({r}.results)",
        table="contacts",
        channel="#sales-ops",
        conds=(("{r}.results.length > 50", "more than 50 contacts came in"),),
    ),
    _poll(
        "salesforce-leads",
        "Salesforce",
        ("salesforce", "crm", "sales"),
        _f_salesforce,
        "get-new-leads",
        items="{r}.records",
        clause="leads are created in Salesforce",
        noun="lead",
        nouns="new Salesforce leads",
        map="{ id: data.Id, name: data.Name, email: data.Email, company: data.Company, status: data.Status }",
        msgs=("${{r}.totalSize} new Salesforce leads yesterday",),
        subject="${{r}.totalSize} new leads",
        text="JSON.stringify({r}.records)",
        table="leads",
        channel="#sales",
        conds=(("{r}.records.some(l => l.Status === 'Hot')", "a hot lead came in"),),
    ),
    _poll(
        "pipedrive-deals",
        "Pipedrive",
        ("pipedrive", "crm", "sales"),
        _f_pipedrive,
        "get-open-deals",
        items="{r}.data",
        clause="deals are open in Pipedrive",
        noun="open deal",
        nouns="open Pipedrive deals",
        map="{ id: data.id, title: data.title, value: data.value, currency: data.currency, stage: data.stage_id }",
        msgs=("Pipeline: ${{r}.data.length} open deals worth ${{r}.data.reduce((s, d) => s + d.value, 0)}",),
        subject="Open deals: ${{r}.data.length}",
        text="JSON.stringify({r}.data)",
        table="deals",
        channel="#sales",
        conds=(("{r}.data.some(d => d.value > 50000)", "a deal is worth more than 50k"),),
    ),
    _poll(
        "stripe-charges",
        "Stripe",
        ("stripe", "payments", "finance"),
        _f_stripe,
        "get-charges",
        items="{r}.data",
        clause="Stripe charges come in",
        noun="charge",
        nouns="recent Stripe charges",
        map="{ id: data.id, amount: data.amount / 100, currency: data.currency, email: data.billing_details.email, "
        "status: data.status, created_at: new Date(data.created * 1000).toISOString() }",
        msgs=(
            ":money_with_wings: ${{r}.data.length} charges in the last 24h, "
            "${{r}.data.filter(ch => ch.status === 'failed').length} failed",
        ),
        subject="Stripe daily: ${{r}.data.length} charges",
        text="JSON.stringify({r}.data)",
        table="charges",
        channel="#finance",
        conds=(("{r}.data.some(ch => ch.status === 'failed')", "any charge failed"),),
    ),
    _poll(
        "stripe-mrr",
        "Stripe",
        ("stripe", "saas", "metrics"),
        _f_stripe_subs,
        "get-subscriptions",
        items="{r}.data",
        clause="it is time to compute MRR",
        noun="active subscription",
        nouns="active Stripe subscriptions",
        map="{ id: data.id, customer: data.customer, plan: data.items.data[0].price.nickname, "
        "mrr: data.items.data[0].price.unit_amount / 100 }",
        msgs=(
            "MRR update: ${{r}.data.reduce((s, x) => s + x.items.data[0].price.unit_amount, 0) / 100} "
            "from ${{r}.data.length} subscriptions",
        ),
        subject="MRR report",
        text="JSON.stringify({r}.data)",
        table="mrr_snapshots",
        channel="#metrics",
    ),
    _poll(
        "shopify-orders",
        "Shopify",
        ("shopify", "ecommerce"),
        _f_shopify_orders,
        "get-orders",
        items="{r}.orders",
        clause="new Shopify orders come in",
        noun="order",
        nouns="Shopify orders",
        map="{ id: data.id, name: data.name, email: data.email, total: Number(data.total_price), "
        "currency: data.currency, created_at: data.created_at }",
        msgs=(
            ":package: ${{r}.orders.length} orders today, revenue "
            "${{r}.orders.reduce((s, o) => s + Number(o.total_price), 0).toFixed(2)}",
        ),
        subject="Shopify orders: ${{r}.orders.length}",
        text="JSON.stringify({r}.orders)",
        table="orders",
        channel="#orders",
        conds=(("{r}.orders.length === 0", "there were no orders"),),
    ),
    _poll(
        "shopify-stock",
        "Shopify",
        ("shopify", "ecommerce", "inventory"),
        _f_shopify_products,
        "get-products",
        items="{r}.products",
        clause="Shopify stock runs low",
        noun="low-stock product",
        nouns="low-stock Shopify products",
        map="{ id: data.id, title: data.title, "
        "inventory: data.variants.reduce((sum, v) => sum + v.inventory_quantity, 0) }",
        msgs=(
            ":warning: ${{r}.products.filter(p => p.variants.some(v => v.inventory_quantity < 5)).length} "
            "products are almost sold out",
        ),
        subject="Low stock alert",
        text="JSON.stringify({r}.products.map(p => p.title))",
        table="stock_levels",
        channel="#ops",
        conds=(
            ("{r}.products.some(p => p.variants.some(v => v.inventory_quantity === 0))", "something is out of stock"),
        ),
    ),
    _poll(
        "github-issues",
        "GitHub",
        ("github", "devops"),
        _f_gh_issues,
        "get-open-issues",
        items="{r}",
        clause="GitHub issues pile up",
        noun="open issue",
        nouns="open GitHub issues",
        map="{ number: data.number, title: data.title, url: data.html_url, author: data.user.login, "
        "labels: data.labels.map(l => l.name).join(', ') }",
        msgs=("There are ${{r}.length} open issues in ${ctx.env.GITHUB_REPOSITORY}",),
        subject="Issue digest (${{r}.length} open)",
        text="JSON.stringify({r}.map(i => i.title + ': ' + i.body))",
        table="github_issues",
        channel="#eng",
        conds=(("{r}.length > 25", "more than 25 issues are open"),),
    ),
    _poll(
        "github-prs",
        "GitHub",
        ("github", "code-review"),
        _f_gh_prs,
        "get-open-prs",
        items="{r}",
        clause="pull requests wait for review",
        noun="open pull request",
        nouns="open pull requests",
        map="{ number: data.number, title: data.title, author: data.user.login, url: data.html_url, "
        "age_days: Math.round((Date.now() - new Date(data.created_at)) / 86400000) }",
        msgs=(":hourglass: ${{r}.length} PRs are waiting for review",),
        subject="PRs waiting for review",
        text="JSON.stringify({r}.map(p => p.title))",
        table="pull_requests",
        channel="#code-review",
        conds=(
            (
                "{r}.some(p => Date.now() - new Date(p.created_at) > 3 * 86400000)",
                "a PR has waited more than three days",
            ),
        ),
    ),
    _poll(
        "jira-sprint",
        "Jira",
        ("jira", "project-management"),
        _f_jira,
        "get-sprint-issues",
        items="{r}.issues",
        clause="the sprint is in progress",
        noun="sprint issue",
        nouns="Jira sprint issues",
        map="{ key: data.key, summary: data.fields.summary, status: data.fields.status.name, "
        "assignee: data.fields.assignee?.displayName }",
        msgs=(
            "Sprint status: ${{r}.issues.filter(i => i.fields.status.name === 'Done').length}/"
            "${{r}.issues.length} done",
        ),
        subject="Sprint status",
        text="JSON.stringify({r}.issues.map(i => i.fields.summary))",
        table="sprint_snapshots",
        channel="#standup",
    ),
    _poll(
        "gcal",
        "Google Calendar",
        ("google-calendar", "calendar", "scheduling"),
        _f_gcal,
        "get-todays-events",
        items="{r}.items",
        clause="a new day starts",
        noun="calendar event",
        nouns="today's meetings",
        map="{ title: data.summary, start: data.start.dateTime, attendees: (data.attendees || []).length }",
        msgs=(":calendar: You have ${{r}.items.length} meetings today",),
        subject="Your agenda for today",
        text="JSON.stringify({r}.items.map(e => e.summary))",
        table="agenda",
        channel="#standup",
        conds=(("{r}.items.length > 5", "the day has more than 5 meetings"),),
    ),
    _poll(
        "weather",
        "Open-Meteo",
        ("weather",),
        _f_weather,
        "get-forecast",
        items=None,
        clause="the morning forecast is out",
        noun="weather forecast",
        nouns="daily weather forecasts",
        msgs=(
            ":sun_small_cloud: Today: ${{r}.daily.temperature_2m_max[0]}°C max, "
            "${{r}.daily.precipitation_sum[0]} mm rain",
        ),
        subject="Weather for today",
        text="JSON.stringify({r})",
        table="forecasts",
        channel="#random",
        row=(("max_temp", "{r}.daily.temperature_2m_max[0]"), ("rain_mm", "{r}.daily.precipitation_sum[0]")),
        conds=(
            ("{r}.daily.precipitation_sum[0] > 5", "rain is expected"),
            ("{r}.daily.temperature_2m_max[0] > 30", "it will be hotter than 30°C"),
        ),
    ),
    _poll(
        "fx-rates",
        "Frankfurter",
        ("finance", "currency"),
        _f_rates,
        "get-rates",
        items=None,
        clause="exchange rates update",
        noun="exchange rate update",
        nouns="EUR exchange rates",
        msgs=("EUR/USD ${{r}.rates.USD}, EUR/GBP ${{r}.rates.GBP} (${{r}.date})",),
        subject="FX rates ${{r}.date}",
        text="JSON.stringify({r}.rates)",
        table="fx_rates",
        channel="#finance",
        row=(("date", "{r}.date"), ("usd", "{r}.rates.USD"), ("gbp", "{r}.rates.GBP")),
        conds=(("{r}.rates.USD < 1.05", "EUR/USD drops below 1.05"),),
    ),
    _poll(
        "crypto",
        "CoinGecko",
        ("crypto", "finance"),
        _f_crypto,
        "get-prices",
        items=None,
        clause="crypto prices move",
        noun="price update",
        nouns="crypto prices",
        msgs=(
            "BTC ${{r}.bitcoin.usd} USD (${{r}.bitcoin.usd_24h_change.toFixed(1)}% 24h), ETH ${{r}.ethereum.usd} USD",
        ),
        subject="Crypto prices",
        text="JSON.stringify({r})",
        table="prices",
        channel="#crypto",
        row=(("btc_usd", "{r}.bitcoin.usd"), ("eth_usd", "{r}.ethereum.usd")),
        conds=(("Math.abs({r}.bitcoin.usd_24h_change) > 5", "BTC moves more than 5% in a day"),),
    ),
    _poll(
        "pg-signups",
        "Postgres",
        ("postgres", "database", "signups"),
        _f_signups_pg,
        "get-new-signups",
        items="{r}.data",
        clause="new users sign up",
        noun="new user",
        nouns="yesterday's signups",
        map="{ email: data.email, plan: data.plan, company: data.company }",
        msgs=(":chart_with_upwards_trend: ${{r}.data.length} signups in the last 24h",),
        subject="Daily signups: ${{r}.data.length}",
        text="JSON.stringify({r}.data)",
        table="daily_signups",
        channel="#growth",
        conds=(("{r}.data.length > 100", "more than 100 people signed up"),),
    ),
    _poll(
        "mongo-orders",
        "MongoDB",
        ("mongodb", "database", "ecommerce"),
        _f_orders_mongo,
        "get-pending-orders",
        items="{r}.data",
        clause="orders are stuck in pending",
        noun="pending order",
        nouns="pending orders",
        map="{ id: data._id, customer: data.customerEmail, total: data.total, since: data.createdAt }",
        msgs=(":hourglass_flowing_sand: ${{r}.data.length} orders still pending",),
        subject="Pending orders",
        text="JSON.stringify({r}.data)",
        table="pending_orders",
        channel="#ops",
        conds=(("{r}.data.length > 20", "more than 20 orders are pending"),),
    ),
    _poll(
        "plausible",
        "Plausible",
        ("analytics", "website"),
        _f_plausible,
        "get-traffic",
        items=None,
        clause="yesterday's traffic numbers are in",
        noun="traffic report",
        nouns="daily traffic stats",
        msgs=(
            ":bar_chart: ${{r}.results.visitors.value} visitors, ${{r}.results.pageviews.value} pageviews yesterday",
        ),
        subject="Traffic report",
        text="JSON.stringify({r}.results)",
        table="traffic_daily",
        channel="#marketing",
        row=(
            ("visitors", "{r}.results.visitors.value"),
            ("pageviews", "{r}.results.pageviews.value"),
            ("bounce_rate", "{r}.results.bounce_rate.value"),
        ),
        conds=(("{r}.results.visitors.value < 100", "traffic drops under 100 visitors"),),
    ),
    _poll(
        "zendesk-open",
        "Zendesk",
        ("zendesk", "support"),
        _f_zendesk,
        "get-open-tickets",
        items="{r}.results",
        clause="support tickets are open",
        noun="open ticket",
        nouns="open Zendesk tickets",
        map="{ id: data.id, subject: data.subject, priority: data.priority, created_at: data.created_at }",
        msgs=(":ticket: ${{r}.count} tickets are open",),
        subject="Open tickets: ${{r}.count}",
        text="JSON.stringify({r}.results.map(t => t.subject))",
        table="ticket_snapshots",
        channel="#support",
        conds=(("{r}.results.some(t => t.priority === 'urgent')", "an urgent ticket is open"),),
    ),
    _poll(
        "sentry-unresolved",
        "Sentry",
        ("sentry", "monitoring"),
        _f_sentry,
        "get-unresolved-errors",
        items="{r}",
        clause="errors stay unresolved",
        noun="unresolved error",
        nouns="unresolved Sentry errors",
        map="{ title: data.title, count: Number(data.count), users: data.userCount, url: data.permalink }",
        msgs=(":fire: ${{r}.length} unresolved errors in the last 24h",),
        subject="Error digest",
        text="JSON.stringify({r}.map(i => i.title))",
        table="error_digest",
        channel="#eng",
        conds=(("{r}.some(i => Number(i.count) > 1000)", "an error fired over 1,000 times"),),
    ),
    _poll(
        "healthcheck",
        "Healthcheck",
        ("monitoring", "uptime"),
        _f_health,
        "check-health",
        items=None,
        clause="the health check fails",
        noun="health check",
        nouns="health checks",
        msgs=(":rotating_light: Health check failed: status ${{r}.status}",),
        subject="Health check failed",
        text="JSON.stringify({r})",
        table="health_checks",
        channel="#ops",
        row=(("status", "{r}.status"), ("checked_at", "new Date().toISOString()")),
        conds=(("{r}.status !== 'ok'", "the status is not ok"),),
    ),
    _poll(
        "airtable",
        "Airtable",
        ("airtable", "no-code"),
        _f_airtable,
        "get-airtable-records",
        items="{r}.records",
        clause="rows are added in Airtable",
        noun="record",
        nouns="Airtable records",
        map="{ id: data.id, name: data.fields.Name, email: data.fields.Email, status: data.fields.Status }",
        msgs=("Synced ${{r}.records.length} Airtable records",),
        subject="Airtable sync",
        text="JSON.stringify({r}.records)",
        table="airtable_leads",
        channel="#ops",
    ),
    _poll(
        "notion-tasks",
        "Notion",
        ("notion", "productivity"),
        _f_notion,
        "query-notion",
        items="{r}.results",
        clause="tasks are waiting in Notion",
        noun="task",
        nouns="open Notion tasks",
        map="{ id: data.id, title: data.properties.Name.title[0]?.plain_text, url: data.url }",
        msgs=(":memo: ${{r}.results.length} tasks still to do",),
        subject="Open tasks",
        text="JSON.stringify({r}.results.map(p => p.properties.Name.title[0]?.plain_text))",
        table="tasks",
        channel="#standup",
    ),
    _poll(
        "sheets-inventory",
        "Google Sheets",
        ("google-sheets", "spreadsheets"),
        _f_sheets,
        "read-sheet",
        items="{r}.values",
        clause="the inventory sheet changes",
        noun="sheet row",
        nouns="Google Sheets rows",
        map="{ sku: data[0], name: data[1], stock: Number(data[2]), price: Number(data[3]) }",
        msgs=("Imported ${{r}.values.length} rows from the inventory sheet",),
        subject="Inventory import",
        text="JSON.stringify({r}.values)",
        table="inventory",
        channel="#ops",
    ),
    _poll(
        "mysql-carts",
        "MySQL",
        ("mysql", "database", "ecommerce"),
        _f_mysql,
        "get-abandoned-carts",
        items="{r}.rows",
        clause="carts are abandoned",
        noun="abandoned cart",
        nouns="abandoned carts",
        map="{ id: data.id, email: data.email, total: data.total }",
        msgs=(":shopping_trolley: ${{r}.rows.length} carts abandoned in the last 3 hours",),
        subject="We saved your cart",
        text="JSON.stringify({r}.rows)",
        table="cart_reminders",
        channel="#marketing",
    ),
    _poll(
        "rss",
        "RSS",
        ("rss", "content"),
        _f_rss,
        "read-feed",
        items="{r}.items",
        clause="a feed publishes new posts",
        noun="blog post",
        nouns="new blog posts",
        map="{ title: data.title, link: data.link, published: data.pubDate }",
        msgs=(":newspaper: ${{r}.items.length} new posts: ${{r}.items.map(i => i.title).join(' | ')}",),
        subject="New posts",
        text="JSON.stringify({r}.items.map(i => i.title + ' ' + i.contentSnippet))",
        table="feed_items",
        channel="#reading",
    ),
    _poll(
        "nasa-apod",
        "NASA",
        ("space", "fun"),
        _f_nasa,
        "get-apod",
        items=None,
        clause="NASA posts the picture of the day",
        noun="astronomy picture",
        nouns="NASA pictures of the day",
        msgs=(":milky_way: ${{r}.title}: ${{r}.url}",),
        subject="APOD: ${{r}.title}",
        text="{r}.explanation",
        table="apod",
        channel="#random",
        row=(("date", "{r}.date"), ("title", "{r}.title"), ("url", "{r}.url")),
    ),
)
