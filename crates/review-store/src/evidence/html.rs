//! `review.html`: the evidence as one self-contained page (inline CSS and SVG, no script,
//! nothing fetched), written straight to its file.

use std::io::{self, Write};

use crate::diff::DiffEntry;
use crate::evidence::Evidence;
use crate::model::{PortalOutcome, format_time};

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;\
color:#1d2330;padding:0 1rem}h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;\
margin-top:2rem;border-bottom:1px solid #d5d9e0;padding-bottom:.2rem}table{border-collapse:\
collapse;width:100%;margin:.5rem 0;table-layout:fixed;overflow-wrap:anywhere}th,td{text-align:left;padding:.25rem .5rem;border-bottom:\
1px solid #e6e9ee;vertical-align:top}th{background:#f3f5f8}td.n,th.n{text-align:right}\
.failed{color:#a61b1b;font-weight:600}.ok{color:#17663a;font-weight:600}.muted{color:#5b6474}\
code{font-size:.85em;word-break:break-all}.meta td:first-child{width:12rem;color:#5b6474}\
table.rows{margin:0}.chunk{content-visibility:auto;contain-intrinsic-size:auto 7500px}";

/// Rows per separately laid out block of a long table (see [`write_long_table`]).
const CHUNK_ROWS: usize = 250;

/// Writes a long table as a header table followed by blocks of [`CHUNK_ROWS`] rows,
/// each its own fixed-layout table (so the columns line up) in a block the browser lays
/// out only when it scrolls into view: a page of 100,000 accounts opens as fast as a
/// short one.
fn write_long_table(
    out: &mut dyn Write,
    header: &str,
    rows: impl Iterator<Item = String>,
) -> io::Result<()> {
    writeln!(out, "<table class=\"rows\"><tr>{header}</tr></table>")?;
    let mut in_chunk = 0;
    for row in rows {
        if in_chunk == 0 {
            write!(out, "<div class=\"chunk\"><table class=\"rows\">")?;
        }
        writeln!(out, "{row}")?;
        in_chunk += 1;
        if in_chunk == CHUNK_ROWS {
            writeln!(out, "</table></div>")?;
            in_chunk = 0;
        }
    }
    if in_chunk > 0 {
        writeln!(out, "</table></div>")?;
    }
    Ok(())
}

/// Writes the page for `evidence`.
pub(super) fn write(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    let review = &evidence.review;
    writeln!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Access review {}</title><style>{STYLE}</style></head><body>",
        review.id.0
    )?;
    writeln!(
        out,
        "<h1>Access review {}</h1><p class=\"muted\">Evidence generated {} by portalctl \
         from its review store.</p>",
        review.id.0,
        format_time(evidence.generated_at)
    )?;
    summary(out, evidence)?;
    portals(out, evidence)?;
    inactivity(out, evidence)?;
    changes(out, evidence)?;
    decisions(out, evidence)?;
    writeln!(out, "</body></html>")
}

fn summary(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    let review = &evidence.review;
    let signed = review.signed.as_ref().map_or_else(
        || "<span class=\"failed\">not signed</span>".to_owned(),
        |signature| {
            format!(
                "{} by {}",
                format_time(signature.at),
                escape(&review.reviewer)
            )
        },
    );
    let chain_class = if evidence.chain_intact {
        "ok"
    } else {
        "failed"
    };
    writeln!(
        out,
        "<table class=\"meta\"><tr><td>Snapshot</td><td>{} taken {}{}</td></tr>\
         <tr><td>Scope</td><td>{}</td></tr><tr><td>Reviewer</td><td>{}</td></tr>\
         <tr><td>Opened</td><td>{}</td></tr><tr><td>Decided</td><td>{} of {} accounts</td></tr>\
         <tr><td>Signed</td><td>{signed}</td></tr>\
         <tr><td>Hash chain</td><td class=\"{chain_class}\">{}</td></tr>\
         <tr><td>Signature (chain head)</td><td><code>{}</code></td></tr></table>",
        review.snapshot.0,
        format_time(evidence.snapshot.taken_at),
        evidence
            .snapshot
            .note
            .as_deref()
            .map(|note| format!(" ({})", escape(note)))
            .unwrap_or_default(),
        escape(&review.scope.join(", ")),
        escape(&review.reviewer),
        format_time(review.opened_at),
        review.decided,
        review.accounts,
        escape(&evidence.chain),
        review
            .signed
            .as_ref()
            .map_or("–", |signature| signature.head.as_str()),
    )
}

fn portals(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    writeln!(
        out,
        "<h2>Portals</h2><table><tr><th>Portal</th><th>Vendor</th><th>Listing</th>\
         <th class=\"n\">Returned</th><th class=\"n\">Reported</th><th class=\"n\">Keep</th>\
         <th class=\"n\">Revoke</th><th class=\"n\">Exception</th><th class=\"n\">Undecided</th></tr>"
    )?;
    for recorded in &evidence.snapshot.portals {
        let run = &recorded.run;
        let in_scope = evidence.review.scope.contains(&run.portal);
        let listing = match &run.outcome {
            PortalOutcome::Ok => "<span class=\"ok\">listed</span>".to_owned(),
            PortalOutcome::Failed(error) => {
                format!("<span class=\"failed\">failed</span>: {}", escape(error))
            }
        };
        let counts = evidence
            .portals
            .get(&run.portal)
            .cloned()
            .unwrap_or_default();
        let cell = |value: u64| {
            if in_scope {
                value.to_string()
            } else {
                "–".to_owned()
            }
        };
        writeln!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td>{listing}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&run.portal),
            if in_scope {
                ""
            } else {
                " <span class=\"muted\">(not in scope)</span>"
            },
            escape(&run.vendor),
            recorded.returned,
            run.reported
                .map_or_else(|| "–".to_owned(), |n| n.to_string()),
            cell(counts.keep),
            cell(counts.revoke),
            cell(counts.exception),
            cell(counts.undecided),
        )?;
    }
    writeln!(out, "</table>")
}

/// The inactivity buckets as a horizontal bar chart.
fn inactivity(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    let buckets = evidence.inactivity.labelled();
    let largest = buckets.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (label_width, bar_width, row) = (90, 520, 28);
    let height = row * buckets.len() + 8;
    writeln!(
        out,
        "<h2>Time since last sign-in</h2><p class=\"muted\">Accounts in scope, at the \
         snapshot's time.</p><svg role=\"img\" \
         aria-label=\"Accounts by time since last sign-in\" width=\"{}\" height=\"{height}\" \
         viewBox=\"0 0 {} {height}\">",
        label_width + bar_width + 90,
        label_width + bar_width + 90
    )?;
    for (index, (label, count)) in buckets.iter().enumerate() {
        let y = index * row + 4;
        let width = usize::try_from(*count * bar_width as u64 / largest).unwrap_or(bar_width);
        let colour = match index {
            0 => "#2f7d4f",
            1 => "#7aa33b",
            2 => "#d39b1f",
            3 => "#c0462b",
            _ => "#8a93a3",
        };
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{label}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{width}\" height=\"{}\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{count}</text>",
            label_width - 8,
            y + 15,
            row - 8,
            label_width + width + 6,
            y + 15,
        )?;
    }
    writeln!(out, "</svg>")
}

fn changes(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    writeln!(out, "<h2>Changes since the previous review</h2>")?;
    let Some(changes) = &evidence.changes_since_previous else {
        return writeln!(out, "<p class=\"muted\">This is the first review.</p>");
    };
    let counts = &changes.counts;
    writeln!(
        out,
        "<p>Review {} (snapshot {}) to this one (snapshot {}): <b>{}</b> added, <b>{}</b> \
         removed, <b>{}</b> changed, {} unchanged.</p>",
        changes.previous_review,
        changes.from.0,
        changes.to.0,
        counts.added,
        counts.removed,
        counts.changed,
        counts.unchanged
    )?;
    for skipped in &counts.skipped {
        writeln!(
            out,
            "<p class=\"failed\">{} not compared: {}</p>",
            escape(&skipped.portal),
            escape(&skipped.reason)
        )?;
    }
    if changes.listed.is_empty() {
        return Ok(());
    }
    let rows = changes.listed.iter().map(|entry| {
        let (change, account, what) = match entry {
            DiffEntry::Added { account } => ("added", account, account.status.clone()),
            DiffEntry::Removed { account } => ("removed", account, account.status.clone()),
            DiffEntry::Changed { account, changes } => (
                "changed",
                account,
                changes
                    .iter()
                    .map(|c| format!("{}: {} → {}", c.field.as_str(), c.old, c.new))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        format!(
            "<tr><td>{change}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&account.key().to_string()),
            escape(account.email.as_deref().unwrap_or("")),
            escape(&what)
        )
    });
    write_long_table(
        out,
        "<th>Change</th><th>Account</th><th>Email</th><th>What</th>",
        rows,
    )?;
    let shown = changes.listed.len() as u64;
    let total = counts.added + counts.removed + counts.changed;
    if total > shown {
        writeln!(
            out,
            "<p class=\"muted\">The first {shown} of {total} changes; all are counted above.</p>"
        )?;
    }
    Ok(())
}

fn decisions(out: &mut dyn Write, evidence: &Evidence) -> io::Result<()> {
    writeln!(
        out,
        "<h2>Revocations and exceptions</h2><p class=\"muted\">Kept accounts are counted per \
         portal above and listed in accounts.csv.</p>"
    )?;
    if evidence.notable.is_empty() {
        return writeln!(out, "<p>None.</p>");
    }
    let rows = evidence.notable.iter().map(|(account, record)| {
        let decision = &record.decision;
        format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&account.key().to_string()),
            escape(account.email.as_deref().unwrap_or("")),
            escape(&account.status),
            account.last_login.to_text(),
            decision.verdict.as_str(),
            escape(decision.reason.as_deref().unwrap_or("")),
            decision
                .expires_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            record
                .applied
                .as_ref()
                .map(|applied| escape(&applied.reference))
                .unwrap_or_default(),
        )
    });
    write_long_table(
        out,
        "<th>Account</th><th>Email</th><th>Status</th><th>Last sign-in</th><th>Decision</th>\
         <th>Reason</th><th>Until</th><th>Carried out</th>",
        rows,
    )
}

/// `text` with HTML's special characters escaped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(ch),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{CHUNK_ROWS, escape, write_long_table};

    #[test]
    fn a_long_table_is_written_in_blocks_laid_out_on_demand() {
        let rows = (0..2 * CHUNK_ROWS + 100).map(|n| format!("<tr><td>{n}</td></tr>"));
        let mut out = Vec::new();
        write_long_table(&mut out, "<th>N</th>", rows).unwrap();
        let html = String::from_utf8(out).unwrap();

        assert!(html.starts_with("<table class=\"rows\"><tr><th>N</th></tr></table>\n"));
        assert_eq!(html.matches("<div class=\"chunk\">").count(), 3);
        assert_eq!(html.matches("</table></div>").count(), 3);
        assert_eq!(html.matches("<tr><td>").count(), 2 * CHUNK_ROWS + 100);
        let last_block = html.rsplit("<div class=\"chunk\">").next().unwrap();
        assert_eq!(last_block.matches("<tr>").count(), 100);
    }

    #[test]
    fn text_can_not_become_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
