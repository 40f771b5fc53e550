"""Every string the pages show, in every language: English (`en`) and Simplified Chinese (`zh`).

`t(key, **values)` formats the current language's string (chosen in the sidebar or by the link's
`lang=`). Setting names (`learning_rate`, `warmup_steps`, ...) stay TrainingArguments' names in
every language: they are what people type into their code. A test checks that both languages
have every key and that the pages take their text from here.
"""

from __future__ import annotations

import streamlit as st

from warmup_viz import figures, scheduler_types, words
from warmup_viz.curve import BREAKPOINTS
from warmup_viz.messages import Note, human

from .text import plain

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    # what the library says (summary notes, verdicts, setting errors, link warnings, ...): its own
    # English, from every module that says anything, whatever was imported first
    **words.english(),
    # metric-driven replay
    "sim.metric": "Schedule {letter} is stepped with",
    "sim.metric_help": (
        "Trainer steps reduce_lr_on_plateau and greedy with the eval metric after each evaluation "
        "(metric_for_best_model, eval_loss by default). A training metric steps it at each logging step instead."
    ),
    "sim.change": "After step {step}: {reason}",
    "sim.no_change": "The LR never changed over {count} values of {metric}.",
    # words inside the charts
    "fig.step_axis": "step (the update that used this LR, as Trainer logs it)",
    "fig.epoch_axis": "epoch",
    "fig.breakpoints": "breakpoints",
    "fig.configured": "configured",
    "fig.logged": "{run} · logged LR",
    "fig.final": "final {value}",
    "fig.raw": "raw",
    "fig.smoothed": "smoothed",
    "fig.hover_step": "step {step}",
    "fig.hover_epoch": "epoch {epoch}",
    # the words plotly and Streamlit write themselves, in ours (ui/chrome.py puts them in their place)
    "plotly.download_png": "Download plot as a PNG",
    "plotly.download": "Download plot",
    "plotly.preparing": "Preparing image - this may take a few seconds",
    "plotly.downloaded": "Image download succeeded",
    "plotly.download_failed": "Sorry, there was a problem downloading your image!",
    "plotly.zoom": "Zoom",
    "plotly.pan": "Pan",
    "plotly.box_select": "Box Select",
    "plotly.lasso_select": "Lasso Select",
    "plotly.zoom_in": "Zoom in",
    "plotly.zoom_out": "Zoom out",
    "plotly.autoscale": "Autoscale",
    "plotly.reset_axes": "Reset axes",
    "plotly.spikes": "Toggle Spike Lines",
    "plotly.hover_closest": "Show closest data on hover",
    "plotly.hover_compare": "Compare data on hover",
    "plotly.zoom_back": "Double-click to zoom back out",
    "plotly.legend_isolate": "Double-click on legend to isolate one trace",
    "plotly.days": "Sunday Monday Tuesday Wednesday Thursday Friday Saturday",
    "plotly.short_days": "Sun Mon Tue Wed Thu Fri Sat",
    "plotly.months": "January February March April May June July August September October November December",
    "plotly.short_months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "plotly.periods": "AM PM",
    "plotly.date": "%d/%m/%Y",
    "plotly.year": "%Y",
    "plotly.month": "%b %Y",
    "plotly.day_month": "%b %-d",
    "plotly.day_month_year": "%b %-d, %Y",
    "streamlit.fullscreen": "Fullscreen",
    "streamlit.close_fullscreen": "Close fullscreen",
    "streamlit.upload": "Upload",
    "streamlit.upload_limit": "{size} per file",
    "streamlit.drop_files": "Drag and drop files here",
    "exchange.form.flags": "flags",
    "app.clauses": "; ",  # between the clauses of one line (a log's status, a verdict's causes)
    "mark.start": "step {step}",
    "mark.warmup_end": "last warmup step ({step})",
    "mark.peak": "peak (step {step})",
    "mark.decay_start": "decay starts (step {step})",
    "mark.decay_end": "decay ends (step {step})",
    "mark.restart": "restart {n} (step {step})",
    "mark.cut": "LR cut (from step {step})",
    "mark.raise": "LR raised (from step {step})",
    "mark.resume": "resumed: new settings from step {step}",
    "mark.end": "last step ({step})",
    # navigation
    "nav.schedule": "Schedule",
    "nav.gallery": "Gallery",
    "nav.gallery_icon": "🗂️",
    "nav.learn": "Learn warmup",
    "nav.learn_icon": "🎓",
    "nav.runs": "Runs",
    "nav.runs_icon": "📡",
    # the runs page (warmup-viz serve --logdir DIR)
    "runs.title": "Training runs",
    "runs.watching": "Watching {root}: the page follows each run's files as they grow.",
    "runs.how_to_start": (
        "Start the dashboard with a log directory to watch its training runs live: "
        "`warmup-viz serve --logdir DIR` (or `python -m warmup_viz.ui.serve --logdir DIR`)."
    ),
    "runs.none": (
        "No training runs under {root} yet. A run is a directory with a trainer_state.json (or checkpoint-N "
        "directories holding one), LLaMA-Factory's trainer_log.jsonl or TensorBoard event files."
    ),
    "runs.column.run": "run",
    "runs.column.steps": "logged steps",
    "runs.column.last": "last step",
    "runs.column.lr": "last LR",
    "runs.column.against": "checked against",
    "runs.column.verdict": "verdict",
    "runs.no_verdict": "—",
    "runs.card": "**{run}** · {steps} logged steps · step {last}: LR {lr}  \nchecked against {against}: {verdict}",
    "runs.choose": "Runs to draw",
    "runs.choose_help": "Each run's logged LR and the schedule it is checked against (its plan, its config, or the settings recovered from its log).",
    "runs.chart_title": "Learning rate of the runs",
    "runs.planned": "{run} · planned",
    "runs.recovered": "{run} · recovered",
    "runs.verdict": "**{run}**: {message}",
    "runs.recovered_settings": "**{run}**: {source}: {settings}",
    # one line per scheduler type
    "scheduler.linear": "Linear decay to 0 after a linear warmup from 0.",
    "scheduler.cosine": "Half a cosine (num_cycles=0.5) from the peak down to 0 after a linear warmup.",
    "scheduler.cosine_with_restarts": "Cosine decay to 0 that jumps back to the peak num_cycles times (hard restarts).",
    "scheduler.polynomial": "Polynomial decay (power) from the peak to lr_end after a linear warmup.",
    "scheduler.constant": "The same learning rate at every step; no warmup.",
    "scheduler.constant_with_warmup": "A linear warmup from 0, then the peak learning rate for good.",
    "scheduler.inverse_sqrt": "A linear warmup, then decay as 1/√step, scaled by timescale.",
    "scheduler.reduce_lr_on_plateau": "Cuts the LR by factor when a metric stops improving for patience evaluations.",
    "scheduler.cosine_with_min_lr": "Cosine decay that stops at a floor (min_lr or min_lr_rate) instead of 0.",
    "scheduler.cosine_warmup_with_min_lr": "Like cosine_with_min_lr, but the warmup starts above 0 (or at warmup_lr_rate).",
    "scheduler.warmup_stable_decay": "Warmup, a long stable phase at the peak, then a decay of num_decay_steps (WSD).",
    "scheduler.greedy": "Adapts the LR to a metric: raises it while the metric improves, cuts it when it stalls.",
    # kwargs, as the lesson explains them
    "kwarg.num_cycles": "c: how many cosine half-waves (cosine: 0.5 = down once) or restarts (cosine_with_restarts).",
    "kwarg.lr_end": "η_end: the LR the polynomial decay ends at.",
    "kwarg.power": "p: the polynomial's power; 1 is linear, larger bends the curve down sooner.",
    "kwarg.timescale": "τ: the step scale of the 1/√ decay (default: num_warmup_steps or 10,000).",
    "kwarg.min_lr": "The floor as an absolute LR; the same as min_lr_rate = min_lr / learning_rate.",
    "kwarg.min_lr_rate": "r: the floor as a fraction of the peak.",
    "kwarg.warmup_lr_rate": "r_w: where the warmup starts, as a fraction of the peak.",
    "kwarg.num_decay_steps": "d: the length of WSD's decay phase, in steps.",
    "kwarg.num_stable_steps": "s: the length of the stable phase (default: whatever is left).",
    "kwarg.warmup_type": "f_w: the warmup's shape: linear, cosine or 1-sqrt.",
    "kwarg.decay_type": "f_d: the decay's shape: linear, cosine or 1-sqrt.",
    "kwarg.min_lr_ratio": "m: the floor of warmup and decay, as a fraction of the peak.",
    "kwarg.reduce_lr_on_plateau.mode": "min: the metric should fall (a loss); max: it should rise (an accuracy).",
    "kwarg.reduce_lr_on_plateau.factor": "The LR is multiplied by this at each cut (0.1 divides it by 10).",
    "kwarg.reduce_lr_on_plateau.patience": "Evaluations without improvement allowed before a cut.",
    "kwarg.reduce_lr_on_plateau.threshold": "How much better the metric must get to count as an improvement.",
    "kwarg.reduce_lr_on_plateau.threshold_mode": "rel: threshold is a fraction of the best value; abs: an amount.",
    "kwarg.reduce_lr_on_plateau.cooldown": "Evaluations to wait after a cut before counting again.",
    "kwarg.reduce_lr_on_plateau.min_lr": "The LR never goes below this (an absolute value).",
    "kwarg.reduce_lr_on_plateau.eps": "A cut smaller than this is skipped.",
    "kwarg.greedy.mode": "min: the metric should fall (a loss); max: it should rise (an accuracy).",
    "kwarg.greedy.factor": "The LR is multiplied by this when the metric stalls, divided by it while it improves.",
    "kwarg.greedy.patience": "Evaluations in a row that decide between raising and cutting.",
    "kwarg.greedy.threshold": "How much better the metric must get to count as an improvement.",
    "kwarg.greedy.threshold_mode": "rel: threshold is a fraction of the best value; abs: an amount.",
    "kwarg.greedy.cooldown": "Evaluations to wait after a cut before counting again.",
    "kwarg.greedy.warmup": "Evaluations to wait after a raise before counting again.",
    "kwarg.greedy.min_lr": "The LR never goes below this (an absolute value).",
    "kwarg.greedy.max_lr": "The LR never goes above this (an absolute value).",
    "kwarg.greedy.eps": "A change smaller than this is skipped.",
    "kwarg.greedy.verbose": "Print each change (to the training log).",
    "kwarg.greedy.smooth": "Judge a rolling average of the metric instead of each value.",
    "kwarg.greedy.window_size": "How many values the rolling average spans (with smooth).",
    "kwarg.greedy.reset_start": "Evaluations after which the scheduler's counters start over.",
    # page
    "app.versus": " vs ",
    "app.title": "warmup-viz",
    "app.tagline": "The learning-rate schedule your Hugging Face Trainer run will really get, computed by transformers.",
    "app.language": "Language",
    "app.step_convention": (
        "Step s runs from 1 to max_steps and shows the learning rate that update used: "
        "learning_rate × λ(s − 1), exactly what Trainer logs at step s."
    ),
    "app.fix_setting": "Fix the setting marked in the sidebar to see the schedule. {errors}",
    "app.needs_dataset": (
        "max_steps comes from the epochs here: enter dataset_size (the number of training examples) in the "
        "sidebar's epochs calculator to draw the schedule."
    ),
    "app.left_out_invalid": "Schedule {letter} is left out until its setting is fixed: {message}",
    "app.last_valid": "Schedule {letter} shows its last valid settings until the one marked in the sidebar is fixed.",
    "app.left_out": "Schedule {letter} is left out: {message}",
    "app.metric_driven": (
        "**{name}** has no step function: it lowers (or raises) the LR when a watched metric stops "
        "improving, so its curve depends on the training run. Trainer steps it with the eval metric after "
        "each evaluation. Simulating it needs a training log."
    ),
    "app.share": "Share this view",
    "app.share_help": "Every setting and view option is in the link (uploaded logs are not). Copy it with the icon.",
    "app.slide_title": "Title for a slide:",
    "app.share_html": "Download this view as a page (.html)",
    "app.share_html_help": (
        "One file holding the chart and plotly itself: it opens from disk in any browser, with no server "
        "and no internet, and keeps zoom, hover and the playhead. Uploaded logs are in it as drawn."
    ),
    "app.link_warnings": "This link has parameters that could not be used:",
    # summary
    "summary.schedule": "schedule",
    "summary.max_steps": "max_steps",
    "summary.num_warmup_steps": "num_warmup_steps",
    "summary.peak": "peak LR",
    "summary.peak_help": "{value} at step {step}",
    "summary.final": "final LR",
    "summary.first": "LR at step 1",
    "summary.peak_step": "peak at step",
    "summary.steps_per_epoch": "steps per epoch",
    "summary.global_batch": "global batch size",
    "summary.global_batch_help": "per_device_train_batch_size × gradient_accumulation_steps × world_size",
    # form
    "form.enter_dataset_size": "Enter dataset_size: with it, max_steps comes from the epochs.",
    "form.resume_help": (
        "This schedule resumes schedule A's run from one of its checkpoints (Trainer saves checkpoint-<step>): "
        "A's LR up to that step and the next, then these settings at A's learning_rate."
    ),
    "form.resume_bad": "{text} does not name a checkpoint: write checkpoint-500 or 500.",
    "form.schedule": "Schedule",
    "form.schedules": "Schedules",
    "form.type_help": "transformers' SchedulerType values of the installed version.",
    "form.tool": "tool",
    "form.tool_help": (
        "What builds the TrainingArguments: TrainingArguments itself, a TRL config (SFTConfig, DPOConfig, …), "
        "LLaMA-Factory, axolotl or ms-swift. axolotl works out the warmup and the run's length its own way "
        "(a ratio truncated; warmup_steps=-1: no warmup given, so 3 %, at most 100 steps)."
    ),
    "form.learning_rate_help": "Peak learning rate (TrainingArguments default 5e-05).",
    "form.warmup_steps_help": (
        "A count of steps (≥ 1, truncated by int()) or a ratio of max_steps (< 1, rounded up by ceil)."
    ),
    "form.max_steps_help": "Optimizer updates in the whole run.",
    "form.num_train_epochs_help": "Epochs; may be fractional.",
    "form.dataset_size_help": "Training examples in the dataset.",
    "form.per_device_train_batch_size_help": "Examples per batch on each process.",
    "form.gradient_accumulation_steps_help": "Batches per optimizer update.",
    "form.world_size_help": "Number of processes (GPUs).",
    "form.steps_from": "Steps from",
    "form.steps_from_help": "Give max_steps, or let Trainer's arithmetic derive it from epochs and the dataset.",
    "form.mode_max_steps": "max_steps",
    "form.mode_epochs": "epochs × dataset",
    "form.epochs_calculator": "Epochs calculator",
    "form.drop_last_help": "Drop the last incomplete batch (Trainer's dataloader_drop_last).",
    "form.tool_args": "{tool}'s own scheduler arguments",
    "form.tool_kwargs_none": "{tool}'s own scheduler reads no lr_scheduler_kwargs.",
    "form.tool_builds": "{tool} builds its own scheduler from these arguments, not transformers' {type}.",
    "form.one_cycle_kwargs_help": (
        'torch\'s OneCycleLR arguments as JSON, e.g. {"div_factor": 10, "three_phase": true}; axolotl '
        "gives max_lr=learning_rate, pct_start=warmup / max_steps and anneal_strategy=cos unless given here."
    ),
    "form.tool_arg.alternate_lr_scheduler_type": (
        "axolotl's lr_scheduler: one_cycle (torch's OneCycleLR) or rex (its RexLR); axolotl hands Trainer "
        "lr_scheduler_type=cosine with it."
    ),
    "form.tool_arg.lr_quadratic_warmup": "A quadratic warmup ((k / w)²) before the cosine (with cosine only).",
    "form.tool_arg.cosine_min_lr_ratio": (
        "The cosine decays to learning_rate × this ratio (0 to 1); rex decays to it; jagged restarts dip to it."
    ),
    "form.tool_arg.cosine_constant_lr_ratio": (
        "With cosine_min_lr_ratio: the cosine reaches the floor at int(max_steps × this ratio) and stays there."
    ),
    "form.tool_arg.jagged_restart_steps": "ReLoRA's jagged restarts: the LR dips and warms up again every this many steps.",
    "form.tool_arg.jagged_restart_warmup_steps": "Steps to warm up again after each restart (axolotl's default 10).",
    "form.tool_arg.jagged_restart_anneal_steps": "Steps to anneal before each restart (axolotl's default 1).",
    "form.run_kind": "Training loop and param groups",
    "form.loop_help": (
        "trainer: Trainer steps the scheduler once per update. accelerate: a loop of your own whose scheduler went "
        "through accelerator.prepare (transformers' *_no_trainer.py examples), which accelerate steps once per process."
    ),
    "form.loop_counts": (
        "warmup_steps and max_steps above are what the script passes to get_scheduler (num_warmup_steps, "
        "num_training_steps)."
    ),
    "form.loop.num_processes": "accelerate's processes (GPUs).",
    "form.loop_ga_epochs": "gradient_accumulation_steps: the epochs calculator's, one setting for both.",
    "form.loop.max_train_steps": "Optimizer updates the loop runs (empty: max_steps).",
    "form.loop.gradient_accumulation_steps": "accelerate's gradient_accumulation_steps: batches per update.",
    "form.loop.split_batches": "accelerate's split_batches: then it steps the scheduler once per update.",
    "form.loop.step_scheduler_with_optimizer": (
        "accelerate's step_scheduler_with_optimizer; off, the scheduler steps at every call (every batch)."
    ),
    "form.loop.scaled_by_num_processes": (
        "The script passes num_warmup_steps and num_training_steps × num_processes (as transformers' no_trainer "
        "examples now do): the schedule then runs as meant."
    ),
    "form.groups.param_groups": (
        'The optimizer\'s param groups in its order, as JSON: [{"name": "lora_A", "lr": 2e-4}, {"name": "lora_B", '
        '"lr": 3.2e-3}]. Each follows the schedule from its own LR; Trainer logs the first.'
    ),
    "form.groups.loraplus_lr_ratio": "LoRA+ (PEFT's create_loraplus_optimizer): the B matrices at learning_rate × this.",
    "form.groups.loraplus_lr_embedding": "LoRA+'s embedding group LR (PEFT's default 1e-06).",
    "view.intended": "{letter}as meant (one scheduler step per update)",
    "view.group": "{letter}{group}",
    "form.kwargs": "lr_scheduler_kwargs",
    "form.required": "{name} (required)",
    "form.kwarg_help": "{help} transformers' default: {default}.",
    "form.one_of": "Give one of {names}; leave the other empty.",
    "form.metric_kwargs": "This type follows a metric; these kwargs apply when it is simulated from a log.",
    "form.not_a_number": "{name}: {text} is not a number",
    "form.duplicate": "Duplicate",
    "form.duplicate_help": "A new schedule with these settings, to change one thing.",
    "form.remove": "Remove",
    "form.add": "Compare with another schedule",
    "form.add_help": "Up to {count} schedules on one chart; each starts as a copy of A.",
    "form.present": "Presentation mode",
    "form.present_help": "Large type and thick lines for a projector; the link carries it (present=1).",
    # logs
    "logs.title": "Training logs",
    "logs.formats": (
        "trainer_state.json, LLaMA-Factory's trainer_log.jsonl, CSV/TSV (TensorBoard and W&B exports too), JSON Lines, "
        "TensorBoard event files, "
        "or gzip of these; several at once, each its own run. Uploaded logs stay in this browser session: "
        "they cannot travel in a link."
    ),
    "logs.example": (
        "Example run: a tiny GPT-2 trained by `transformers.Trainer` with the settings a first visit opens on "
        "(examples/trainer_state.json, written by scripts/make_example.py)"
    ),
    "logs.example_retired": "The example run is hidden now that you have settings or logs of your own: tick it to bring it back.",
    "logs.upload": "Upload training logs",
    "logs.reading": "Reading the log…",
    "logs.file_error": "{name}: {message}",
    "logs.step_column": "Step column of {name}",
    "logs.step_column_pick": "pick one",
    "logs.step_column_help": "More than one column could hold the step; the chart uses this one.",
    "logs.status": "**{name}** ({format}): {values} of {metrics}",
    "logs.values_one": "{count} value",
    "logs.values_other": "{count} values",
    "logs.metrics_one": "{count} metric",
    "logs.metrics_other": "{count} metrics",
    "logs.summary": "end-of-run summary of {run}: {values}",
    "logs.replaced": "{count} repeated steps replaced by their last value (a resumed run)",
    "logs.non_finite": "{count} NaN/inf values left out",
    "logs.use_settings": "Use this run's settings ({settings})",
    "logs.use_settings_help": "Takes what the trainer_state.json records into the schedule settings.",
    "logs.verdict": "**{run}** logged learning_rate {message}",
    "logs.recover": "Recover the schedule from this run's learning rate",
    "logs.recover_help": (
        "Finds the lr_scheduler_type, learning_rate, warmup_steps, max_steps and kwargs whose schedule reproduces "
        "the logged values, and adds them as a new compared schedule beside A: nothing you set is overwritten."
    ),
    "logs.recover_exact": "Recovered exactly (every one of {points} logged values) as schedule {letter}: {settings}.",
    "logs.recover_fit": (
        "No type reproduces it exactly; the best fit, added as schedule {letter}, is {settings}, off by up to "
        "{error} of the peak LR."
    ),
    "logs.recover_full": "Six schedules are on the page already: remove one to make room for the recovered one.",
    "logs.recover_none": "No scheduler type fits: {reason}.",
    "logs.verdict_example": "{text} (the example was trained with the settings a first visit opens on)",
    # view options
    "view.diff": "Difference panel",
    "view.diff_off": "off",
    "view.diff_difference": "B − A",
    "view.diff_ratio": "B / A",
    "view.diff_axis_difference": "difference to A",
    "view.diff_axis_ratio": "ratio to A",
    "view.diff_help": "Each compared schedule against A, at every step either draws.",
    "view.options": "Chart options",
    "view.metrics": "Metrics",
    "view.layout": "Layout",
    "view.layout_stacked": "stacked",
    "view.layout_overlay": "overlay",
    "view.layout_help": "Stacked: a panel per metric under the LR, zooming together. Overlay: metrics on a second y axis.",
    "view.x_axis": "x axis",
    "view.x_step": "step",
    "view.x_epoch": "epoch",
    "view.x_axis_help": "By epoch where the logs record epochs.",
    "view.smoothing": "Smoothing",
    "view.smoothing_help": "TensorBoard's debiased exponential moving average; the raw line stays faint behind it.",
    "view.log_y": "Log-scale y",
    "view.logging_convention": "Logs written by",
    "view.logging_convention_help": (
        "transformers before 4.51 logged at step s the LR of the next update. Pick it for old logs, so they line "
        "up with the schedule (check proposes it when a log is shifted by one step)."
    ),
    "view.convention_since_4.51": "transformers ≥ 4.51",
    "view.convention_before_4.51": "transformers < 4.51",
    "view.outliers": "Ignore outliers in y range",
    "view.outliers_help": "5th to 95th percentile, as TensorBoard; on the learning_rate panel, of the logged LRs (every schedule stays whole).",
    # the learning_rate panel's y range, for exports
    "view.lr_y_min": "learning_rate y min",
    "view.lr_y_max": "learning_rate y max",
    "view.lr_y_auto": "auto",
    "view.lr_y_help": "The learning_rate panel's y range (empty: framed for you; on a log axis from a thousandth of the peak, or the smallest LR if larger). Kept in the link.",
    "view.lr_y_bad": "{name}: {value} is not a number",
    "view.playhead": "Playhead",
    "view.playhead_help": "A step slider and a play button that move a marker along the curve.",
    # export and import
    "exchange.title": "Export and import",
    "exchange.download": "Download",
    "exchange.code": "Code",
    "exchange.import": "Import",
    "exchange.format": "Table format",
    "exchange.which": "Schedules",
    "exchange.which_a": "A",
    "exchange.which_all": "all",
    "exchange.which_wide": "all, a column each",
    "exchange.too_many": (
        "max_steps={steps} is too many to export step by step (at most {limit}); the chart still shows it exactly."
    ),
    "exchange.download_button": "Download the LR of every step ({rows} rows, {format})",
    # exports for a paper: column names, the names sidecar, the image's size and editable labels
    "exchange.download_names": "Download the schedules' names and settings (JSON)",
    "exchange.download_names_help": "Which column (or `schedule` value) holds which schedule, its full name and its settings.",
    "exchange.columns_help": "Columns: `step`, then `learning_rate` (one schedule) or `learning_rate_A`, `learning_rate_B`, … (one per schedule); read as they are by pandas and pgfplots.",
    "exchange.image_width": "Image width (px)",
    "exchange.image_height": "Image height (px)",
    "exchange.image_scale": "Scale",
    "exchange.image_width_default": "{width}",
    "exchange.image_height_default": "the chart's own",
    "exchange.image_scale_default": "{scale}",
    "exchange.image_bad_whole": "{name}: {value} must be a whole number from {low} to {high}; using {used}.",
    "exchange.image_bad_scale": "{name}: {value} must be a number from {low} to {high}; using {used}.",
    "exchange.edit_labels": "Edit labels for export",
    "exchange.edit_labels_help": "Click the chart's title, an axis title or a legend name to change it, then save with the camera icon. Any change of settings draws the chart with its own labels again.",
    "exchange.image": "Chart image",
    "exchange.image_help": "The chart's camera icon (top right of the chart) saves it as {format} at this size, title and legend included.",
    "exchange.schedule": "Schedule",
    "exchange.code_note": "Every schedule setting is written out: TRL's configs have defaults of their own.",
    "exchange.import_help": (
        "Paste a TrainingArguments(...) or SFTConfig(...) call (or a whole .py file), a dict, JSON, YAML (TRL, "
        "LLaMA-Factory, axolotl) or a command line (swift sft --…), or upload training_args.json, a YAML config or "
        "a shell script. Only literal values are read: nothing is run. Settings the config leaves out take its "
        "tool's defaults."
    ),
    "exchange.into": "Into schedule",
    "exchange.text": "Settings to import",
    "exchange.apply": "Import the pasted settings",
    "exchange.file": "or a file",
    "exchange.pasted": "the pasted text",
    "exchange.failed": "{name}: {message}",
    "exchange.as": "{given} (as {name})",
    "exchange.deepspeed": "DeepSpeed config read from {name} for schedule A (its scheduler: {scheduler}); the chart shows what runs under it.",
    "exchange.deepspeed_remove": "Remove the DeepSpeed config",
    "exchange.imported": "Imported into {letter} from {source}: {used}.",
    "exchange.not_used": "Not used: {items}.",
    "exchange.ignored": "Ignored as not schedule settings: {items}.",
    "exchange.nothing": "Nothing to export until schedule A can be drawn.",
    "exchange.tool": "Read as {tool}.",
    "exchange.tool_defaults": "Left out, so {tool}'s defaults: {settings}.",
    "exchange.more": "{shown} and {count} more",
    # gallery
    "gallery.title": "Scheduler gallery",
    "gallery.intro": (
        "Every scheduler type of the installed transformers, with the same learning_rate, warmup_steps and "
        "max_steps (set them just below). Add one to the schedule page to compare it with what is there and edit it."
    ),
    "gallery.open": "Compare {name}",
    "gallery.full": "The schedule page already compares {count} schedules, as many as it holds: remove one there to open {name} beside them.",
    "gallery.metric_driven": "Follows a metric, not the step: no curve without a training log.",
    # playhead
    "playhead.play": "Play",
    "playhead.pause": "Pause",
    "playhead.step": "step",
    "playhead.readout": "step {step} · epoch {epoch} · {phase} · LR {lr} · {percent} of peak",
    "playhead.readout_no_epoch": "step {step} · {phase} · LR {lr} · {percent} of peak",
    "playhead.schedule": "{letter} LR {lr}",
    "playhead.past_end": "step {step} · {letter} has ended",
    "phase.warmup": "warmup",
    "phase.stable": "stable",
    "phase.decay": "decay",
    "phase.restart": "restart {n}",
    "phase.constant": "constant",
    # lesson
    "learn.title": "Learn: warmup",
    "learn.intro": (
        "A short lesson with live plots. Change the settings in the sidebar or the sliders here: "
        "every curve is computed by transformers' own get_scheduler."
    ),
    "learn.what.title": "1. What warmup does",
    "learn.what.body": (
        "For the first warmup steps the learning rate ramps up — from zero, or from a floor for some "
        "schedulers — to its peak, learning_rate. After warmup the schedule's own shape takes over: "
        "linear or cosine decay, a stable phase and a decay (WSD), restarts, or a constant."
    ),
    "learn.what.slider": "warmup_steps (a ratio of max_steps)",
    "learn.why.title": "2. Why it helps",
    "learn.why.body": (
        "- **Adam's moment estimates start poor.** In the first updates the second-moment estimate rests on "
        "a handful of gradients, so the effective step size is noisy; a small LR keeps those updates small "
        "until the estimates settle.\n"
        "- **Large batches** allow (and need) a large peak LR; reaching it gradually avoids the early "
        "instability that a sudden large LR causes.\n"
        "- **High learning rates diverge** when applied to a freshly initialised network whose gradients are "
        "large and badly scaled; warmup lets the network move into a region where the peak LR is safe."
    ),
    "learn.choose.title": "3. How to choose it",
    "learn.choose.body": (
        "A few percent of all steps is common (1–10 %). warmup_steps takes either a count of steps (≥ 1) or a "
        "ratio of max_steps (< 1). A ratio is rounded **up**: ceil(max_steps × ratio), in floating point — "
        "0.07 × 100 is 7.000000000000001, so 8 warmup steps. A count is **truncated** by int(): 5.9 means 5."
    ),
    "learn.choose.table": "warmup_steps → num_warmup_steps for max_steps={max_steps}",
    "learn.quirk.title": "4. Step 1 trains at LR 0",
    "learn.quirk.body": (
        "Trainer (transformers ≥ 4.51) logs at step s the LR that update used: learning_rate × λ(s − 1). With "
        "a linear warmup λ(0) = 0, so the first update changes nothing but the optimizer's state, and the "
        "first logged learning_rate is 0. Before 4.51 the log showed the *next* step's LR, so old logs look "
        "shifted by one step."
    ),
    "learn.quirk.first": "LR at step 1: {first} · LR at step 2: {second}",
    "learn.args.title": "5. In TrainingArguments and SFTConfig",
    "learn.args.body": (
        "Both take the same names. In transformers 5, warmup_steps is a float and warmup_ratio is gone; "
        "TRL's SFTConfig has its own defaults (learning_rate=2e-05), so write every schedule setting out."
    ),
    "learn.formulas.title": "6. Each scheduler's formula",
    "learn.formulas.body": (
        "With w warmup steps, n = max_steps and step index k = s − 1 (the step s trains at learning_rate × λ(k)). "
        "Move a kwarg and the curve moves."
    ),
    "learn.formulas.pick": "Scheduler",
    "learn.formulas.kwargs": "kwargs",
    # presentation
}

ZH: dict[str, str] = {
    "link.bad_resume": "{param}={value} 必须指明检查点（checkpoint-500 或 500）；未按恢复处理",
    "resume.step_range": "resume_from_checkpoint={checkpoint} 必须位于第一次训练之内（第 1 到 {max_steps} 步）",
    "resume.lr_ignored": "恢复时 learning_rate={theirs} 被忽略：检查点保留的是 {kept}，所以自第 {step} 步起学习率为 {kept} × 新调度的 lambda。",
    "resume.jump": "从 {checkpoint} 恢复：到第 {next} 步为止是第一次训练的值，新设置自第 {from_step} 步起生效。",
    "resume.no_global_step": "{name} 里没有检查点的 global_step（读到 {value}）",
    "resume.not_the_same": "{scheduler} 保存于调度器第 {last_epoch} 步，而 {state} 保存于 global_step {global_step}：不是同一个检查点",
    "resume.unsafe": "{name} 需要 torch.load(weights_only=True) 以外的方式才能读取；已拒绝（{problem}）",
    "resume.not_torch": "{name} 不是 torch 保存的调度器状态（{problem}）",
    "resume.not_lambda": "{name} 不是按步数变化的调度器状态（base_lrs、_last_lr、last_epoch）：只有按步数变化的类型才能计算恢复",
    "resume.restarted": "从 {checkpoint} 恢复，但检查点里没有调度器状态（没有 scheduler.pt 或优化器状态）：Trainer 新建了调度器，所以从第 {next} 步起调度从第一次更新重新开始。",
    "resume.nothing_left": "max_steps={max_steps} 没有超过检查点的 global_step={global_step}：没有可恢复的步数",
    "run.convention": "logging_convention={value} 必须是以下之一：{choices}",
    "log.llamafactory_empty": "{name}：没有任何一行记录了数值（只有 LLaMA-Factory 的进度信息）",
    "file.unreadable": "无法读取 {path}：{problem}",
    "file.too_large": "{path} 超过 {limit} MB；未读取",
    "file.no_log_in_directory": "{path} 是一个目录，里面既没有 trainer_state.json，也没有含它的 checkpoint-N 目录",
    "run.unknown_step": "第一次训练的日志里没有第 {step} 步：这里不知道它的学习率",
    "run.skipped": (
        "优化器跳过了 {count} 次更新（损失缩放器发现梯度溢出；第一次在第 {first} 次更新，最后一次在第 {last} 次）："
        "这些更新后调度器没有前进，所以从第 {last} 次更新起学习率比计划落后 {count} 步"
    ),
    "run.skipped_one": (
        "优化器跳过了第 {first} 次更新（损失缩放器发现其梯度溢出）：这次更新后调度器没有前进，"
        "所以从第 {first} 次更新起学习率比计划落后 1 步"
    ),
    "run.skipped_steps": "skipped_steps 必须是 1 到 max_steps={max_steps} 之间的更新序号：{value}",
    "config.unknown_tool": "tool={value} 不是 warmup_viz 认识的工具；可用的工具：{tools}",
    "config.export_cap": "max_steps={max_steps} 太多，无法逐步导出（最多 {limit}）",
    "deepspeed.too_large": "{name} 超过 {limit} KB；不作为 DeepSpeed 配置读取",
    "deepspeed.not_json": "{name} 不是 JSON 格式的 DeepSpeed 配置（{problem}）",
    "deepspeed.not_object": "{name} 必须是一个 JSON 对象（DeepSpeed 配置），而不是 {kind}",
    "deepspeed.mismatch": "transformers 拒绝与 TrainingArguments 不一致的 DeepSpeed 配置值：\n{mismatches}\n请在 DeepSpeed 配置里把它们设为 'auto'，或修改设置使之一致。",
    "deepspeed.metric_driven": "这里不计算 DeepSpeed 下的 {name}：它跟随指标变化",
    "deepspeed.unknown_scheduler": "{name}：调度器类型 {kind} 不是 warmup-viz 能计算的 DeepSpeed 调度器（{schedulers}）",
    "deepspeed.params_not_object": "{name}：scheduler.params 必须是一个 JSON 对象",
    "deepspeed.auto_left": "{name}：scheduler.params 中的 {params} 不能是 'auto'：transformers 只填充 warmup_min_lr、warmup_max_lr、warmup_num_steps 和 total_num_steps",
    "deepspeed.rejects": "DeepSpeed 的 {kind} 拒绝了 scheduler.params {params}（{problem}）",
    "infer.needs_metric": "学习率按 {factor} 倍阶梯式变化，这是由指标驱动的调度器（{types}）的特征：请提供带评估指标（eval_loss）的日志来还原它的设置；这个按步数的拟合只是最接近的曲线",
    "infer.warmup_unseen": (
        "没有一条日志落在预热阶段，所以这份日志分不清不预热的 learning_rate={learning_rate} 和 "
        "warmup_steps={warmup_steps} 时的 learning_rate={other}：两者给出的每个记录值都相同；这里显示前者（transformers 默认不预热）"
    ),
    "infer.deepspeed": (
        "这些数值符合 DeepSpeed 的 {scheduler}，而不是 transformers 的任何调度器：DeepSpeed 配置中的 scheduler 块取代了 "
        "lr_scheduler_type（由引擎推进，所以每一步记录的是下一次更新的学习率）。请提供该配置（--deepspeed）来核对这次训练"
    ),
    "import.required": "{tool} 需要 {name}，而这份配置没有给出",
    "import.shell_variable": "{value} 是 shell 变量：它的值不在脚本里",
    "import.zero_unset": "{key}=0：{tool} 把 0 当作未给出",
    "import.axolotl_batch_size": "{key}={value}：{tool} 的全局 batch；未给出 gradient_accumulation_steps 时，gradient_accumulation_steps = batch_size // micro_batch_size",
    "import.nothing_literal": "{source} 中没有一个设置是字面量（{names}）；不会执行任何代码求值",
    "import.sample_packing": "{key}={value}：开启 packing 时，{tool} 根据打包后 token 的估算来计算训练步数，warmup-viz 无法得知：请给出 max_steps（{tool} 日志中的 total_num_steps），才能精确绘制",
    "import.loraplus": "{key}={value}：{tool} 的 LoRA+ 让 LoRA B 矩阵以 learning_rate × {value} 训练，位于单独的优化器参数组；调度形状不变，Trainer 记录的是第一个参数组的学习率",
    "import.loraplus_embedding": "{key}={value}：{tool} 的 LoRA+ 让嵌入层的 LoRA 矩阵以这个学习率训练，位于单独的参数组；调度形状不变，Trainer 记录的是第一个参数组的学习率",
    "import.deepspeed_config": "这是 DeepSpeed 配置（ds_config.json），不是训练设置：请把它作为 TrainingArguments 的 deepspeed 给出（--deepspeed FILE），并同时提供训练配置",
    "import.relora_renamed": "{key}={value}：这是旧版 axolotl 对 jagged 重启的叫法；{tool} 0.21.0 没有这个键，读取的是 jagged_restart_steps、jagged_restart_warmup_steps、jagged_restart_anneal_steps：未绘制",
    "import.deepspeed_file": "DeepSpeed 配置（{path}）：它的 scheduler 块（如果有）会取代 lr_scheduler_type——请把这个文件也导入",
    "infer.resumed": (
        "这次训练从 {checkpoint} 以不同设置恢复：在它之前学习率按第一次训练（earlier_runs），之后按恢复后的设置，"
        "其调度器保留了第一次训练的 learning_rate（恢复时改动的 learning_rate 会被忽略）"
    ),
    "infer.restarted": (
        "这次训练从 {checkpoint} 恢复，但检查点里没有调度器状态（没有 scheduler.pt 或优化器状态）："
        "Trainer 在那里新建了调度器，所以调度从第 {step} 步重新开始"
    ),
    "infer.resumed_again": (
        "这次训练恢复了 {count} 次，最后一次从 {checkpoint}：日志的每一段都按各自那次训练的设置"
        "（earlier_runs，按先后顺序），恢复的调度器保留第一次的 learning_rate"
    ),
    "infer.old_convention": "这些数值是按 transformers 4.51 之前的方式记录的（每一步显示的是下一次更新的学习率）：请用该记录约定查看这份日志",
    "infer.also_old_convention": "同样的数值也恰好是按 transformers 4.51 之前的方式记录的 {name}（每一步显示下一次更新的学习率）：仅凭日志无法区分两者",
    "infer.also_new_convention": "这些数值是按 transformers 4.51 之前的方式记录的（每一步显示下一次更新的学习率）；同样的数值也恰好是如今的 Trainer 记录的 {name}：仅凭日志无法区分两者",
    "infer.no_replay": "学习率按 {factor} 倍阶梯式变化，这是由指标驱动的调度器（{types}）的特征，但用这个指标以任何设置重放都无法重现每个记录值；这是最接近的拟合",
    "link.bad": "{param}：{problem}；改用默认值",
    "link.not_text": "{param} 太长或不是文本；改用默认值",
    "link.unknown": "忽略了未知参数：{params}",
    "link.unknown_more": "忽略了未知参数：{params} 等另外 {more} 个",
    "link.one_of": "{name}={value} 必须是以下之一：{allowed}",
    "link.smoothing": "smoothing={value} 必须是 0 到 {high} 之间的数字",
    "link.lr_y": "{name}={value} 必须是学习率：0 或更大的数字",
    "link.lr_y_order": "lr_y_min={low} 必须小于 lr_y_max={high}",
    "link.not_bool": "{name}={value} 必须是 true 或 false",
    "link.not_number": "{name}={value} 不是数字",
    "describe.type": "{name}",
    "describe.lr": "学习率 {value}",
    "describe.no_warmup": "无预热",
    "describe.warmup_ratio": "预热 {percent}%",
    "describe.warmup_count": "预热 {count} 步",
    "describe.warmup_tool": "预热 {count} 步（{tool} 的默认值）",
    "describe.steps": "{count} 步",
    "describe.steps_epochs": "{count} 步（由 epoch 推算）",
    "describe.kwarg": "{name}={value}",
    "describe.setting": "{name} {value}",
    "describe.letter": "{letter}：{text}",
    "cause.skipped_one": "优化器跳过了第 {first} 次更新（损失缩放器发现其梯度溢出），调度器没有前进：按这些设置，从那里起学习率落后 1 步",
    "cause.skipped": (
        "优化器跳过了 {count} 次更新（损失缩放器发现梯度溢出；第一次在第 {first} 次更新，最后一次在第 {last} 次），"
        "调度器在这些更新后没有前进：按这些设置，每跳过一次学习率就多落后一步"
    ),
    "cause.num_processes": "调度器比优化器快了 {k} 倍：accelerate 循环在未设 split_batches 时每个进程都会让调度器前进一次（num_processes={k}），所以 {warmup} 步的预热在第 {warmup_end} 次更新就结束了——请把 num_warmup_steps 和 num_training_steps 乘以 num_processes 再传给 get_scheduler",
    "cause.resume": "这次训练在约第 {step} 步从检查点恢复：此后按这些设置、以第一次训练的 learning_rate={learning_rate} 进行（恢复时改动的 learning_rate 会被忽略）",
    "infer.too_few": "至少需要两个记录的学习率才能还原调度",
    "infer.all_zero": "记录的学习率全是 0：没有可还原的调度",
    "infer.none": "transformers 没有任何调度器类型能拟合这些学习率",
    # log files that cannot be read (the library's keys)
    "log.empty": "{name} 是空文件",
    "log.pickle": "{name} 看起来是 pickle 文件（training_args.bin 和其他 torch.save 文件都是）：不读取，因为反序列化会执行代码。请上传这次训练的 trainer_state.json。",
    "log.json_value": "{name} 只是单个 JSON 值，不是训练日志",
    "log.json_invalid": "{name} 不是有效的 JSON（{problem}）：文件是否被截断了？",
    "log.json_list": "{name} 是 JSON 列表，不是训练日志（应为 trainer_state.json 或 JSON Lines）",
    "log.gzip": "{name} 不是可读的 gzip 文件（{problem}）",
    "log.gzip_bomb": "{name} 解压后超过 {limit} MB；不读取",
    "log.gzip_cut": "{name} 是被截断的 gzip 文件",
    "log.binary": "{name} 是二进制数据，不是本工具能读的训练日志",
    "log.encoding": "{name} 不是 UTF-8、UTF-16 或 GB18030 编码的文本",
    "log.nested": "JSON 嵌套太深，无法读取",
    "log.no_values": "{name} 没有带步数的数值",
    "log.too_many": "{name} 有 {count} 个值；最多读取 {limit} 个",
    "log.no_finite": "{name} 没有带步数的有限数值",
    "log.columns": "{name} 的列数超过 {limit}；不读取",
    "log.csv": "{name} 不是可读的 CSV/TSV 表格（{problem}）",
    "log.no_column": "{name} 没有列 {column}",
    "log.no_step": "{name} 没有名称像步数的列（{names}）",
    "log.no_step_pick": "{name} 没有名称像步数的列（{names}）；请选择步数列：{candidates}",
    "log.no_metric": "{name} 除 {step} 外没有数值指标列",
    "log.json_not_object": "{name} 是 JSON，但不是对象",
    "log.no_history": "{name} 是 JSON，但没有 log_history 列表：不是 trainer_state.json",
    "log.line_json": "{name} 第 {line} 行不是有效的 JSON",
    "log.line_object": "{name} 第 {line} 行不是 JSON 对象",
    "log.no_step_key": "{name}：没有任何一行含步数键（{names} 之一）",
    "log.no_metric_values": "{name} 没有 {metric} 的值（它的指标：{metrics}）",
    "log.choose_run": "{name} 含 {count} 个记录了 {metric} 的运行（{runs}）：请选择一个",
    "log.no_run": "{name} 没有记录了 {metric} 的运行 {run}（它的运行：{runs}）",
    "log.events": "{name}：不是可读的 TensorBoard 事件文件（{problem}）",
    "log.events_empty": "{name}：事件文件里没有标量值",
    "import.pickle": "{name} 看起来是 pickle 文件（training_args.bin 就是）：不读取，因为反序列化会执行代码。请使用 training_args.json、YAML 配置，或粘贴 TrainingArguments 调用。",
    "import.not_utf8": "{name} 不是 UTF-8 文本",
    "import.empty": "没有可读的内容：请粘贴 TrainingArguments(...) 调用、dict、JSON 或 YAML",
    "import.too_long": "文本长 {length} 个字符；最多读取 {limit} 个",
    "import.unreadable": "不是 TrainingArguments 调用、dict、JSON 或 YAML（{problem}）",
    "import.not_mapping": "不是 TrainingArguments 调用、dict、JSON 或 YAML 形式的设置映射",
    "import.nothing_found": "在这段 {source} 中没有找到调度设置；查找的是：{accepted}（以及 {aliases}）",
    "import.not_a_setting": "不是调度设置",
    "import.already_given": "{name} 已经给出",
    "import.not_literal": "不是字面量（{source}）；不会求值任何代码",
    "import.invalid": "{problem}",
    "import.warmup_wins": "已给出 warmup_steps，以它为准",
    "import.no_warmup": "0：没有预热",
    "import.epochs_need_dataset": "没有给出 max_steps，Trainer 会由 num_train_epochs 推算：请同时给出 dataset_size。",
    "import.kwargs_type": "{name} 必须是映射或 JSON 文本",
    "import.unknown_type": "{name}={value} 不是 transformers 的调度器类型",
    "import.not_number": "{name}={value} 不是数字",
    "import.not_single": "{name}={value} 不是单个值",
    "replay.cut": "耐心耗尽：连续 {count} 次评估都没有超过 {best}（patience={patience}）；学习率 {old} → {new}",
    "replay.raise": "在改善（{value}）：学习率 {old} → {new}",
    # runs under --logdir (the library's keys)
    "rundir.too_many": "在 {root} 下查看了 {count} 个目录后停止；更深处的训练不显示",
    "rundir.gone": "{name}：这次训练的文件已不存在",
    "rundir.kept": "{name}：{path} 此刻读不了（{problem}）；显示的是之前读到的内容",
    "rundir.no_lr": "{name}：还没有记录 learning_rate",
    "rundir.unchecked": "{name}：未核对（{problem}）",
    "rundir.no_recovery": "{name}：没有计划，记录的学习率也还推不出设置（{problem}）",
    "rundir.source_plan": "它的计划（{file}）",
    "rundir.source_config": "它的配置（{file}）",
    "rundir.source_exact": "由记录的学习率推出（精确）",
    "rundir.source_fit": "由记录的学习率推出（最接近的拟合，最大相对误差 {error}）",
    "rundir.source_none": "没有计划",
    # verdicts and their causes (the library's keys)
    "verdict.no_values": "日志里没有可核对的 learning_rate 值",
    "verdict.matches": "全部 {count} 个记录步都一致",
    "verdict.past_max_steps": "日志到达第 {last} 步，超过了 max_steps={max_steps}",
    "verdict.differs": "从第 {step} 步起不一致：记录值 {logged}，配置值 {configured}",
    "verdict.with_causes": "{verdict}。可能的原因：{causes}",
    "cause.convention": "每个值都错开了一步：transformers 4.51 之前记录的是下一次更新的学习率（请用旧的记录约定查看这些日志）",
    "cause.max_steps": "max_steps：这次训练是 {run}（你的是 {yours}）",
    "cause.max_steps_epochs": "max_steps：这次训练是 {run}（你算出的是 {yours}）—— {settings} 可得到 {run}",
    "cause.max_steps_past": "max_steps：日志到达第 {last} 步，超过了你的 max_steps={yours} —— 请检查 epoch 的算法（批次先按进程切分，再做梯度累积）",
    "cause.warmup": "warmup_steps：这次训练预热了 {run} 步（你的是 {yours}）",
    "cause.warmup_ratio": "warmup_steps：这次训练预热了 {run} 步（你的是 {yours}）—— warmup_steps={ratio} 是比例，ceil({max_steps} × {ratio}) = {run}",
    "cause.type": "lr_scheduler_type：这次训练用的是 {run}（你的是 {yours}）",
    "cause.learning_rate": "learning_rate：这次训练的峰值是 {run}（你的是 {yours}）",
    "cause.scheduler_length": (
        "调度器是按 {run} 步创建的，是这次训练 max_steps={yours} 的 {factor} 倍：它的 num_training_steps "
        "是在梯度累积之前按批次数算的，或是在数据按进程切分之前算的"
    ),
    "cause.setting": "{name}：这次训练是 {run}（你的是 {yours}）",
    # setting errors (the library's keys)
    "config.not_mapping": "{name} 必须是名称到取值的映射",
    "config.tool_arg_unknown": "{tool} 没有会改变调度的训练参数 {key}；它有：{accepted}",
    "config.tool_arg_kind": "{tool} 的 {key}={value} 必须是{kind}",
    "tool.kind.bool": "true 或 false",
    "tool.kind.choice": "以下之一：{choices}",
    "tool.kind.int": "从 {low} 到 {high} 的整数",
    "tool.kind.int_least": "不小于 {low} 的整数",
    "tool.kind.number": "从 {low} 到 {high} 的数",
    "tool.kind.number_least": "不小于 {low} 的数",
    "config.tool_arg_needs_type": "{tool} 以 lr_scheduler_type={own} 构建 {key}={value}，而不是 {type}",
    "config.not_number": "{name}={value} 必须是数字",
    "config.not_whole": "{name}={value} 必须是整数",
    "config.not_finite": "{name}={value} 必须是有限的数字",
    "config.range": "{name}={value} 必须不小于 {low} 且不大于 {high}",
    "config.range_open": "{name}={value} 必须大于 {low} 且不大于 {high}",
    "config.type_not_name": "lr_scheduler_type={value} 必须是一个名称",
    "config.unknown_type": "lr_scheduler_type={value} 不是以下之一：{types}",
    "config.max_steps_low": "max_steps={value} 必须至少为 1，或设为 -1 以由 num_train_epochs 推算",
    "config.epochs_too_many": "这些 epoch 设置得到 max_steps={total}，超过上限 {limit}",
    "config.needs_dataset": "max_steps=-1 表示由 epoch 推算步数，这需要 dataset_size",
    "config.not_bool": "{name}={value} 必须是 true 或 false",
    "config.no_full_batch": "dataset_size={dataset_size} 在 dataloader_drop_last 下，{world} 个进程各自凑不满一个 {batch} 的批次",
    "config.kwarg_unknown": "{scheduler} 不接受 {key}；它接受的参数：{accepted}",
    "config.kwarg_missing": "{scheduler} 需要在 lr_scheduler_kwargs 中给出 {names}",
    "config.kwarg_both": "{scheduler} 在 lr_scheduler_kwargs 中只接受 {options} 其中之一（不能同时给出）",
    "config.kwarg_neither": "{scheduler} 在 lr_scheduler_kwargs 中需要 {options} 其中之一（必须给出一个）",
    "config.kwarg_bool": "{scheduler} 的 {kwarg}={value} 必须是 true 或 false",
    "config.kwarg_str": "{scheduler} 的 {kwarg}={value} 必须是字符串",
    "config.kwarg_choice": "{scheduler} 的 {kwarg}={value} 必须是以下之一：{choices}",
    "config.kwarg_number": "{scheduler} 的 {kwarg}={value} 必须是有限的数字",
    "config.kwarg_large": "{scheduler} 的 {kwarg}={value} 太大（绝对值至多 {limit}）",
    "config.not_setting": "{name} 不是一个设置；可用的设置：{settings}",
    "config.parse_bool": "{name}={value} 必须是 true 或 false",
    "config.parse_count": "{name}={value} 不是整数",
    "config.parse_number": "{name}={value} 不是数字",
    "config.kwargs_long": "{name} 长 {length} 个字符；最多读取 {limit} 个",
    "config.kwargs_json": "{name} 不是有效的 JSON（{problem}）",
    "config.kwargs_object": '{name} 必须是形如 {{"num_cycles": 2}} 的 JSON 对象，而不是 {text}',
    "config.kwargs_item": "{name}[{key}] 必须是数字、字符串、true/false 或 null",
    "config.ratio_both": "warmup_steps 与旧的 warmup_ratio 只能给出一个",
    "config.ratio_range": "warmup_ratio={value} 必须不小于 0 且小于 1",
    "note.peak_never_reached": "永远达不到峰值：max_steps={max_steps} 的训练却有 {count} 步预热，最后一步的学习率只有 learning_rate 的 {percent}%。transformers 接受这种设置，但它通常是个错误。",
    # words inside the charts
    "fig.step_axis": "步（使用该学习率的那次更新，与 Trainer 日志一致）",
    "fig.epoch_axis": "轮次（epoch）",
    "fig.breakpoints": "关键点",
    "fig.configured": "配置值",
    "fig.logged": "{run} · 记录的学习率",
    "fig.final": "最终 {value}",
    "fig.raw": "原始",
    "fig.smoothed": "平滑",
    "fig.hover_step": "第 {step} 步",
    "fig.hover_epoch": "轮次 {epoch}",
    # the words plotly and Streamlit write themselves, in ours (ui/chrome.py puts them in their place)
    "plotly.download_png": "下载图表（PNG）",
    "plotly.download": "下载图表",
    "plotly.preparing": "正在生成图片，可能需要几秒钟",
    "plotly.downloaded": "图片已下载",
    "plotly.download_failed": "抱歉，下载图片时出了问题！",
    "plotly.zoom": "框选缩放",
    "plotly.pan": "平移",
    "plotly.box_select": "矩形框选",
    "plotly.lasso_select": "套索选择",
    "plotly.zoom_in": "放大",
    "plotly.zoom_out": "缩小",
    "plotly.autoscale": "自动缩放",
    "plotly.reset_axes": "重置坐标轴",
    "plotly.spikes": "显示或隐藏辅助线",
    "plotly.hover_closest": "悬停时显示最近的数据",
    "plotly.hover_compare": "悬停时比较数据",
    "plotly.zoom_back": "双击可还原缩放",
    "plotly.legend_isolate": "双击图例可只显示这一条曲线",
    "plotly.days": "星期日 星期一 星期二 星期三 星期四 星期五 星期六",
    "plotly.short_days": "周日 周一 周二 周三 周四 周五 周六",
    "plotly.months": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    "plotly.short_months": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    "plotly.periods": "上午 下午",
    "plotly.date": "%Y-%m-%d",
    "plotly.year": "%Y年",
    "plotly.month": "%Y年%-m月",
    "plotly.day_month": "%-m月%-d日",
    "plotly.day_month_year": "%Y年%-m月%-d日",
    "streamlit.fullscreen": "全屏",
    "streamlit.close_fullscreen": "退出全屏",
    "streamlit.upload": "上传",
    "streamlit.upload_limit": "每个文件不超过 {size}",
    "streamlit.drop_files": "将文件拖放到此处",
    "exchange.form.flags": "命令行参数",
    "app.clauses": "；",
    "mark.start": "第 {step} 步",
    "mark.warmup_end": "预热最后一步（{step}）",
    "mark.peak": "峰值（第 {step} 步）",
    "mark.decay_start": "开始衰减（第 {step} 步）",
    "mark.decay_end": "衰减结束（第 {step} 步）",
    "mark.restart": "第 {n} 次重启（第 {step} 步）",
    "mark.cut": "学习率下调（自第 {step} 步）",
    "mark.raise": "学习率上调（自第 {step} 步）",
    "mark.resume": "已恢复：自第 {step} 步起用新设置",
    "mark.end": "最后一步（{step}）",
    "note.epochs": "max_steps = ceil(num_train_epochs × 每个 epoch 的更新次数) = ceil({epochs} × {per_epoch}) = {max_steps}。",
    "note.warmup_tool": "未给出预热：{tool} 取训练步数的 3%，最多 100 步：min(int(0.03 × {max_steps}), 100) = {count} 步预热（预热为 1 步时它会改成 2 步）。",
    "note.ratio_tool": "warmup_steps={warmup} 是比例，{tool} 会向下取整：int({max_steps} × {warmup}) = {count} 步预热（Trainer 自己会向上取整；预热为 1 步时 {tool} 会改成 2 步）。",
    "note.epochs_tool": "max_steps = ceil(dataset_size × num_train_epochs / 全局 batch) = ceil({dataset} × {epochs} / {batch}) = {max_steps}：{tool} 按这种方式计算训练步数，再把这个 max_steps 交给 Trainer（开启 sample packing 时，它根据打包后的 token 估算步数，warmup-viz 无法得知）。",
    "schedule.tool_refuses": "tool_args={args}：{tool} 自己的代码拒绝了它们（{problem}）",
    "schedule.one_cycle_refuses": "lr_scheduler_kwargs={kwargs}：torch 的 OneCycleLR 拒绝了它们（{problem}）",
    "note.tool_scheduler": "{tool} 根据 {args} 构建自己的调度器：{scheduler}，按其代码的计算绘制。",
    "note.tool_args_unused": "{args}：{tool} 在这里照样构建 transformers 的 {name}（只有在其 create_scheduler 检查的组合中才读取它们），所以它们不改变任何东西。",
    "groups.reserved": "param_groups[{index}] 的名称 {value} 是表格的 step 列：请换一个",
    "groups.too_large": "learning_rate × loraplus_lr_ratio = {value} 超过了 100",
    "run_kind.tool_loop": "未对包在 accelerate 循环里的 {scheduler} 建模：accelerate 会停止推进带有 total_steps 的调度器",
    "groups.json": "param_groups 不是由参数组组成的 JSON 列表（{problem}）",
    "groups.item": 'param_groups[{index}] 必须是形如 {{"name": "lora_B", "lr": 0.0002}} 的对象',
    "groups.name": "param_groups[{index}] 的 name 必须是不重复、非空的文本：{value}",
    "groups.lr": "param_groups[{index}] 的 lr={value} 必须是大于 0、至多 100 的数",
    "groups.empty": "param_groups 至少要有一个参数组",
    "groups.ratio": "{name}={value} 必须是大于 0 的数",
    "groups.logged": "Trainer 记录的是第一个参数组的学习率（{name}：{lr}）；其他参数组按各自的学习率训练",
    "loop.value": "{name}={value} 必须是 1 到 {high} 之间的整数",
    "loop.faster": "accelerate 每次优化器更新会让调度器前进 {per_update} 步（{why}）：num_warmup_steps={warmup} 的预热在第 {warmup_end} 次更新就结束了，而不是第 {warmup} 次",
    "loop.faster_plain": "accelerate 每次优化器更新会让调度器前进 {per_update} 步（{why}）：调度比更新快 {per_update} 倍",
    "loop.why_processes": "每个进程一次：num_processes={value} 且未设 split_batches",
    "loop.why_calls": "step_scheduler_with_optimizer=false 时每次调用都前进，每次更新调用 gradient_accumulation_steps={value} 次",
    "loop.past_end": "从第 {update} 次更新起，调度器已超过 num_training_steps={total}：{name} 按其公式继续计算",
    "note.no_warmup": "{name} 没有预热：warmup_steps={warmup} 会被忽略。",
    "note.ratio": "warmup_steps={warmup} 是比例：ceil({max_steps} × {warmup}) = ceil({product}) = {count} 个预热步。",
    "note.truncated": "warmup_steps={warmup} 是步数，int() 把它截断为 {count}。",
    "note.step_one": "第 1 步的学习率为 0：预热从 lambda(0) = 0 开始，而 Trainer 记录每次更新所用的学习率，所以第一次更新除了优化器状态外什么都不改变。",
    "note.no_max_steps": "{name} 不使用 max_steps：在图中最后一步之后它仍会继续衰减。",
    "sim.metric": "调度 {letter} 用以下指标推进",
    "sim.metric_help": (
        "Trainer 在每次评估后用评估指标（metric_for_best_model，默认 eval_loss）推进 reduce_lr_on_plateau 和 greedy。"
        "若选训练指标，则在每个日志步推进。"
    ),
    "sim.change": "第 {step} 步之后：{reason}",
    "sim.no_change": "在 {metric} 的 {count} 个值上，学习率从未改变。",
    "nav.schedule": "调度",
    "nav.gallery": "一览",
    "nav.gallery_icon": "🗂️",
    "nav.learn": "学习预热",
    "nav.learn_icon": "🎓",
    "nav.runs": "训练",
    "nav.runs_icon": "📡",
    # 训练页（warmup-viz serve --logdir DIR）
    "runs.title": "训练运行",
    "runs.watching": "正在查看 {root}：页面随每次训练的文件增长而更新。",
    "runs.how_to_start": (
        "用一个日志目录启动面板，即可实时查看其中的训练："
        "`warmup-viz serve --logdir DIR`（或 `python -m warmup_viz.ui.serve --logdir DIR`）。"
    ),
    "runs.none": (
        "{root} 下还没有训练。一次训练是一个目录，里面有 trainer_state.json（或含有它的 checkpoint-N 目录）、"
        "LLaMA-Factory 的 trainer_log.jsonl 或 TensorBoard 事件文件。"
    ),
    "runs.column.run": "训练",
    "runs.column.steps": "已记录步数",
    "runs.column.last": "最后一步",
    "runs.column.lr": "最新学习率",
    "runs.column.against": "核对依据",
    "runs.column.verdict": "结论",
    "runs.no_verdict": "—",
    "runs.card": "**{run}** · 已记录 {steps} 步 · 第 {last} 步：学习率 {lr}  \n核对依据：{against}；结论：{verdict}",
    "runs.choose": "要画的训练",
    "runs.choose_help": "每次训练记录的学习率，以及核对它的调度（它的计划、它的配置，或由日志推出的设置）。",
    "runs.chart_title": "各次训练的学习率",
    "runs.planned": "{run} · 计划",
    "runs.recovered": "{run} · 推出",
    "runs.verdict": "**{run}**：{message}",
    "runs.recovered_settings": "**{run}**：{source}：{settings}",
    "scheduler.linear": "从 0 线性预热后，线性衰减到 0。",
    "scheduler.cosine": "线性预热后，沿半个余弦（num_cycles=0.5）从峰值降到 0。",
    "scheduler.cosine_with_restarts": "余弦衰减到 0，并 num_cycles 次跳回峰值（硬重启）。",
    "scheduler.polynomial": "线性预热后，按多项式（power）从峰值衰减到 lr_end。",
    "scheduler.constant": "每一步学习率都相同；没有预热。",
    "scheduler.constant_with_warmup": "从 0 线性预热，之后一直保持峰值学习率。",
    "scheduler.inverse_sqrt": "线性预热后按 1/√步数 衰减，由 timescale 缩放。",
    "scheduler.reduce_lr_on_plateau": "指标连续 patience 次评估不再改善时，学习率乘以 factor。",
    "scheduler.cosine_with_min_lr": "余弦衰减，但停在下限（min_lr 或 min_lr_rate）而不是 0。",
    "scheduler.cosine_warmup_with_min_lr": "与 cosine_with_min_lr 相同，但预热从大于 0 处（或 warmup_lr_rate）开始。",
    "scheduler.warmup_stable_decay": "预热、在峰值的长平稳期，然后 num_decay_steps 步的衰减（WSD）。",
    "scheduler.greedy": "随指标自适应：指标改善时提高学习率，停滞时降低。",
    "kwarg.num_cycles": "c：余弦半波的个数（cosine：0.5 表示下降一次）或重启次数（cosine_with_restarts）。",
    "kwarg.lr_end": "η_end：多项式衰减结束时的学习率。",
    "kwarg.power": "p：多项式的幂；1 为线性，越大曲线越早下弯。",
    "kwarg.timescale": "τ：1/√ 衰减的步数尺度（默认：num_warmup_steps 或 10,000）。",
    "kwarg.min_lr": "以绝对学习率表示的下限；等同于 min_lr_rate = min_lr / learning_rate。",
    "kwarg.min_lr_rate": "r：以峰值比例表示的下限。",
    "kwarg.warmup_lr_rate": "r_w：预热的起点，以峰值比例表示。",
    "kwarg.num_decay_steps": "d：WSD 衰减期的长度（步数）。",
    "kwarg.num_stable_steps": "s：平稳期的长度（默认：剩余的步数）。",
    "kwarg.warmup_type": "f_w：预热的形状：linear、cosine 或 1-sqrt。",
    "kwarg.decay_type": "f_d：衰减的形状：linear、cosine 或 1-sqrt。",
    "kwarg.min_lr_ratio": "m：预热和衰减的下限，以峰值比例表示。",
    "kwarg.reduce_lr_on_plateau.mode": "min：指标应下降（如损失）；max：指标应上升（如准确率）。",
    "kwarg.reduce_lr_on_plateau.factor": "每次下调时学习率乘以该值（0.1 即除以 10）。",
    "kwarg.reduce_lr_on_plateau.patience": "下调前允许连续多少次评估没有改善。",
    "kwarg.reduce_lr_on_plateau.threshold": "指标至少改善多少才算改善。",
    "kwarg.reduce_lr_on_plateau.threshold_mode": "rel：threshold 是最佳值的比例；abs：是绝对量。",
    "kwarg.reduce_lr_on_plateau.cooldown": "下调后等待多少次评估再重新计数。",
    "kwarg.reduce_lr_on_plateau.min_lr": "学习率不会低于该值（绝对值）。",
    "kwarg.reduce_lr_on_plateau.eps": "小于该值的下调会被跳过。",
    "kwarg.greedy.mode": "min：指标应下降（如损失）；max：指标应上升（如准确率）。",
    "kwarg.greedy.factor": "指标停滞时学习率乘以该值，指标改善时除以该值。",
    "kwarg.greedy.patience": "连续多少次评估决定提高还是降低学习率。",
    "kwarg.greedy.threshold": "指标至少改善多少才算改善。",
    "kwarg.greedy.threshold_mode": "rel：threshold 是最佳值的比例；abs：是绝对量。",
    "kwarg.greedy.cooldown": "下调后等待多少次评估再重新计数。",
    "kwarg.greedy.warmup": "提高后等待多少次评估再重新计数。",
    "kwarg.greedy.min_lr": "学习率不会低于该值（绝对值）。",
    "kwarg.greedy.max_lr": "学习率不会高于该值（绝对值）。",
    "kwarg.greedy.eps": "小于该值的变化会被跳过。",
    "kwarg.greedy.verbose": "打印每次变化（到训练日志）。",
    "kwarg.greedy.smooth": "按指标的滑动平均而不是每个值来判断。",
    "kwarg.greedy.window_size": "滑动平均覆盖多少个值（配合 smooth）。",
    "kwarg.greedy.reset_start": "经过多少次评估后调度器的计数器重新开始。",
    "app.versus": " 对比 ",
    "app.title": "warmup-viz",
    "app.tagline": "你的 Hugging Face Trainer 训练真正会用到的学习率调度，由 transformers 本身计算。",
    "app.language": "语言",
    "app.step_convention": (
        "第 s 步从 1 到 max_steps，显示该次更新所用的学习率：learning_rate × λ(s − 1)，"
        "与 Trainer 在第 s 步记录的数值完全一致。"
    ),
    "app.fix_setting": "请先修正侧栏中标出的设置，才能显示调度曲线。{errors}",
    "app.needs_dataset": "这里的 max_steps 由 epoch 推算：请在侧栏的 epoch 计算器里填写 dataset_size（训练样本数），即可绘制调度曲线。",
    "app.left_out_invalid": "调度 {letter} 的设置有误，修正前暂不显示：{message}",
    "app.last_valid": "在侧栏标出的设置改好之前，调度 {letter} 显示它上一次有效的设置。",
    "deepspeed.replaces": "DeepSpeed 配置里的调度器 {scheduler} 取代了 lr_scheduler_type={name}：图中画的是实际运行的 {scheduler}。",
    "deepspeed.trainer_steps": "DeepSpeed 配置既没有 scheduler 块也没有 optimizer 块：由 Trainer 自己创建并推进 {name}，第 s 步记录的是该次更新所用的学习率，与不用 DeepSpeed 时相同。",
    "deepspeed.keeps": "DeepSpeed 配置没有 scheduler 块：运行的是 {name}，而 DeepSpeed 下的 Trainer 在第 s 步记录的是下一次更新的学习率。",
    "app.left_out": "调度 {letter} 未显示：{message}",
    "app.metric_driven": (
        "**{name}** 没有按步数的函数：当被监控的指标不再改善时，它会降低（或提高）学习率，"
        "因此曲线取决于实际训练。Trainer 在每次评估后用评估指标推进它。要模拟它，需要训练日志。"
    ),
    "app.share": "分享此视图",
    "app.share_help": "所有设置和视图选项都在链接里（上传的日志除外）。点图标即可复制。",
    "app.slide_title": "幻灯片标题：",
    "app.share_html": "将此视图下载为网页文件",
    "app.share_html_help": "一个文件，内含图表和 plotly 本身：无需服务器、无需联网，用任何浏览器从本地打开即可，缩放、悬停和播放头都保留。上传的日志按图中所画包含在内。",
    "app.link_warnings": "这个链接有无法使用的参数：",
    "summary.schedule": "调度",
    "summary.max_steps": "max_steps",
    "summary.num_warmup_steps": "num_warmup_steps",
    "summary.peak": "峰值学习率",
    "summary.peak_help": "{value}，位于第 {step} 步",
    "summary.final": "最终学习率",
    "summary.first": "第 1 步的学习率",
    "summary.peak_step": "峰值所在步",
    "summary.steps_per_epoch": "每个 epoch 的步数",
    "summary.global_batch": "全局批量大小",
    "summary.global_batch_help": "per_device_train_batch_size × gradient_accumulation_steps × world_size",
    "form.enter_dataset_size": "请填写 dataset_size：有了它，max_steps 才能由 epoch 推算。",
    "form.resume_help": "这个调度从调度 A 那次训练的某个检查点恢复（Trainer 保存为 checkpoint-<步数>）：到该步及下一步为止是 A 的学习率，之后按这些设置、以 A 的 learning_rate 进行。",
    "form.resume_bad": "{text} 不是检查点：请写 checkpoint-500 或 500。",
    "form.schedule": "调度",
    "form.schedules": "调度",
    "form.type_help": "所安装 transformers 版本中的 SchedulerType 取值。",
    "form.tool": "工具（tool）",
    "form.tool_help": (
        "由谁构造 TrainingArguments：TrainingArguments 本身、TRL 的配置（SFTConfig、DPOConfig 等）、"
        "LLaMA-Factory、axolotl 或 ms-swift。axolotl 以自己的方式计算预热和训练总步数"
        "（比例向下取整；warmup_steps=-1 表示未给出预热，取 3%，最多 100 步）。"
    ),
    "form.learning_rate_help": "峰值学习率（TrainingArguments 默认 5e-05）。",
    "form.warmup_steps_help": "步数（≥ 1，用 int() 截断）或 max_steps 的比例（< 1，用 ceil 向上取整）。",
    "form.max_steps_help": "整个训练的优化器更新次数。",
    "form.num_train_epochs_help": "训练轮数，可以是小数。",
    "form.dataset_size_help": "数据集中的训练样本数。",
    "form.per_device_train_batch_size_help": "每个进程每个 batch 的样本数。",
    "form.gradient_accumulation_steps_help": "每次优化器更新累积的 batch 数。",
    "form.world_size_help": "进程（GPU）数量。",
    "form.steps_from": "步数来源",
    "form.steps_from_help": "直接给出 max_steps，或按 Trainer 的算法由 epoch 数和数据集推出。",
    "form.mode_max_steps": "max_steps",
    "form.mode_epochs": "epoch × 数据集",
    "form.epochs_calculator": "epoch 计算器",
    "form.drop_last_help": "丢弃最后一个不完整的 batch（Trainer 的 dataloader_drop_last）。",
    "form.tool_args": "{tool} 自己的调度器参数",
    "form.tool_kwargs_none": "{tool} 自己的调度器不读取 lr_scheduler_kwargs。",
    "form.tool_builds": "{tool} 根据这些参数构建自己的调度器，而不是 transformers 的 {type}。",
    "form.one_cycle_kwargs_help": (
        'torch 的 OneCycleLR 参数（JSON），例如 {"div_factor": 10, "three_phase": true}；除非在此给出，'
        "axolotl 使用 max_lr=learning_rate、pct_start=预热步数 / max_steps、anneal_strategy=cos。"
    ),
    "form.tool_arg.alternate_lr_scheduler_type": (
        "axolotl 的 lr_scheduler：one_cycle（torch 的 OneCycleLR）或 rex（它的 RexLR）；此时 axolotl 交给 Trainer 的是 "
        "lr_scheduler_type=cosine。"
    ),
    "form.tool_arg.lr_quadratic_warmup": "在余弦之前做二次预热（(k / w)²），仅用于 cosine。",
    "form.tool_arg.cosine_min_lr_ratio": "余弦衰减到 learning_rate × 该比例（0 到 1）；rex 衰减到它；jagged 重启时下探到它。",
    "form.tool_arg.cosine_constant_lr_ratio": "与 cosine_min_lr_ratio 一起：余弦在 int(max_steps × 该比例) 处到达下限并保持不变。",
    "form.tool_arg.jagged_restart_steps": "ReLoRA 的 jagged 重启：每隔这么多步，学习率下探后重新预热。",
    "form.tool_arg.jagged_restart_warmup_steps": "每次重启后重新预热的步数（axolotl 默认 10）。",
    "form.tool_arg.jagged_restart_anneal_steps": "每次重启前退火的步数（axolotl 默认 1）。",
    "form.run_kind": "训练循环与参数组",
    "form.loop_help": (
        "trainer：Trainer 每次更新让调度器前进一步。accelerate：自己写的训练循环，调度器经过 accelerator.prepare"
        "（transformers 的 *_no_trainer.py 示例），accelerate 每个进程都会让它前进一步。"
    ),
    "form.loop_counts": "上面的 warmup_steps 和 max_steps 是脚本传给 get_scheduler 的值（num_warmup_steps、num_training_steps）。",
    "form.loop.num_processes": "accelerate 的进程数（GPU 数）。",
    "form.loop_ga_epochs": "gradient_accumulation_steps：沿用 epoch 计算器中的值，两处是同一个设置。",
    "form.loop.max_train_steps": "循环执行的优化器更新次数（留空：等于 max_steps）。",
    "form.loop.gradient_accumulation_steps": "accelerate 的 gradient_accumulation_steps：每次更新的批次数。",
    "form.loop.split_batches": "accelerate 的 split_batches：此时每次更新只让调度器前进一步。",
    "form.loop.step_scheduler_with_optimizer": "accelerate 的 step_scheduler_with_optimizer；关闭时每次调用（每个批次）调度器都前进。",
    "form.loop.scaled_by_num_processes": "脚本把 num_warmup_steps 和 num_training_steps 乘以 num_processes 后再传入（transformers 的 no_trainer 示例现在就是这样做的）：此时调度按原意运行。",
    "form.groups.param_groups": (
        '优化器的参数组（按其顺序，JSON）：[{"name": "lora_A", "lr": 2e-4}, {"name": "lora_B", "lr": 3.2e-3}]。'
        "每组都从自己的学习率出发遵循同一调度；Trainer 记录第一组。"
    ),
    "form.groups.loraplus_lr_ratio": "LoRA+（PEFT 的 create_loraplus_optimizer）：B 矩阵的学习率为 learning_rate × 该值。",
    "form.groups.loraplus_lr_embedding": "LoRA+ 嵌入层参数组的学习率（PEFT 默认 1e-06）。",
    "view.intended": "{letter}原意（每次更新调度器前进一步）",
    "view.group": "{letter}{group}",
    "run_kind.loop": "loop={value} 必须是 trainer 或 accelerate",
    "run_kind.not_whole": "{name}={value} 必须是至少为 1 的整数",
    "run_kind.not_bool": "{name}={value} 必须是 true 或 false",
    "run_kind.both": "param_groups 和 loraplus_lr_ratio 都给出了参数组：只给其中一个",
    "run_kind.embedding_alone": "loraplus_lr_embedding 属于 LoRA+：请同时给出 loraplus_lr_ratio",
    "run_kind.ratio": "{name}={value} 必须是大于 0 的数",
    "run_kind.loop_only": "{name} 属于 accelerate：需要 loop=accelerate",
    "run_kind.tool_groups": "参数组只对 LambdaLR（transformers 的所有类型）绘制；{scheduler} 以自己的方式设置每组的学习率，warmup-viz 不对此建模",
    "form.kwargs": "lr_scheduler_kwargs",
    "form.required": "{name}（必填）",
    "form.kwarg_help": "{help} transformers 默认值：{default}。",
    "form.one_of": "{names} 二选一，另一个留空。",
    "form.metric_kwargs": "此类型跟随指标变化；这些参数在用日志模拟时生效。",
    "form.not_a_number": "{name}：{text} 不是数字",
    "form.duplicate": "复制",
    "form.duplicate_help": "用这些设置新建一个调度，便于只改一处。",
    "form.remove": "移除",
    "form.add": "与另一个调度比较",
    "form.add_help": "一张图上最多 {count} 个调度；新调度以 A 的副本开始。",
    "form.present": "演示模式",
    "form.present_help": "大字号、粗线条，适合投影；链接会带上它（present=1）。",
    "logs.title": "训练日志",
    "logs.formats": (
        "trainer_state.json、LLaMA-Factory 的 trainer_log.jsonl、CSV/TSV（含 TensorBoard 和 W&B 导出）、"
        "JSON Lines、TensorBoard 事件文件，"
        "或它们的 gzip 压缩；可一次上传多个，每个是一次独立的运行。上传的日志只保留在本浏览器会话中，"
        "不会进入链接。"
    ),
    "logs.example": (
        "示例运行：用 `transformers.Trainer` 以首次打开时的设置训练的微型 GPT-2"
        "（examples/trainer_state.json，由 scripts/make_example.py 生成）"
    ),
    "logs.example_retired": "你已有自己的设置或日志，示例运行已隐藏：勾选即可恢复。",
    "logs.upload": "上传训练日志",
    "logs.reading": "正在读取日志…",
    "logs.file_error": "{name}：{message}",
    "logs.step_column": "{name} 的步数列",
    "logs.step_column_pick": "请选择",
    "logs.step_column_help": "有不止一列可能表示步数；图表使用这一列。",
    "logs.status": "**{name}**（{format}）：{metrics}共 {values}",
    "logs.values_one": "{count} 个数值",
    "logs.values_other": "{count} 个数值",
    "logs.metrics_one": "{count} 个指标",
    "logs.metrics_other": "{count} 个指标",
    "logs.summary": "{run} 训练结束时的汇总：{values}",
    "logs.replaced": "{count} 个重复步被其最后一次的值替换（续训）",
    "logs.non_finite": "{count} 个 NaN/inf 值已略去",
    "logs.use_settings": "采用这次运行的设置（{settings}）",
    "logs.use_settings_help": "把 trainer_state.json 中记录的内容填入调度设置。",
    "logs.verdict": "**{run}** 记录的 learning_rate：{message}",
    "logs.recover": "从这次运行的学习率还原调度",
    "logs.recover_help": (
        "找出能重现日志数值的 lr_scheduler_type、learning_rate、warmup_steps、max_steps 和参数，"
        "并作为新的对比调度加在 A 旁边：不会覆盖你设置的任何内容。"
    ),
    "logs.recover_exact": "已精确还原（全部 {points} 个记录值），作为调度 {letter}：{settings}。",
    "logs.recover_fit": "没有类型能精确重现；最佳拟合（已作为调度 {letter} 加入）为 {settings}，最大偏差为峰值学习率的 {error}。",
    "logs.recover_full": "页面上已有六个调度：请先移除一个，给还原出的调度腾出位置。",
    "logs.recover_none": "没有调度器类型能拟合：{reason}。",
    "logs.verdict_example": "{text}（示例是用首次打开时的设置训练的）",
    "view.diff": "差异面板",
    "view.diff_off": "关闭",
    "view.diff_difference": "B − A",
    "view.diff_ratio": "B / A",
    "view.diff_axis_difference": "与 A 之差",
    "view.diff_axis_ratio": "与 A 之比",
    "view.diff_help": "每个对比调度与 A 相比，取两者绘制的每一步。",
    "view.options": "图表选项",
    "view.metrics": "指标",
    "view.layout": "布局",
    "view.layout_stacked": "堆叠",
    "view.layout_overlay": "叠加",
    "view.layout_help": "堆叠：学习率下方每个指标一个面板，缩放联动。叠加：指标画在第二个 y 轴上。",
    "view.x_axis": "x 轴",
    "view.x_step": "步",
    "view.x_epoch": "epoch",
    "view.x_axis_help": "日志记录了 epoch 时可按 epoch 显示。",
    "view.smoothing": "平滑",
    "view.smoothing_help": "TensorBoard 的去偏指数移动平均；原始曲线淡显在后面。",
    "view.log_y": "对数 y 轴",
    "view.logging_convention": "日志写入者",
    "view.logging_convention_help": "transformers 4.51 之前在第 s 步记录的是下一次更新的学习率。查看旧日志时选它，使其与调度对齐（日志错开一步时，核对会建议这样做）。",
    "view.convention_since_4.51": "transformers ≥ 4.51",
    "view.convention_before_4.51": "transformers < 4.51",
    "view.outliers": "y 轴范围忽略离群值",
    "view.outliers_help": "第 5 到第 95 百分位，与 TensorBoard 相同；在 learning_rate 面板上按记录的学习率计算（调度曲线始终完整显示）。",
    # learning_rate 面板的 y 轴范围，供导出使用
    "view.lr_y_min": "learning_rate y 最小值",
    "view.lr_y_max": "learning_rate y 最大值",
    "view.lr_y_auto": "自动",
    "view.lr_y_help": "learning_rate 面板的 y 轴范围（留空则自动取景；对数轴从峰值的千分之一或最小学习率（取较大者）开始）。会保存在链接中。",
    "view.lr_y_bad": "{name}：{value} 不是数字",
    "view.playhead": "播放头",
    "view.playhead_help": "用步数滑块和播放按钮让标记沿曲线移动。",
    "exchange.title": "导出与导入",
    "exchange.download": "下载",
    "exchange.code": "代码",
    "exchange.import": "导入",
    "exchange.format": "表格格式",
    "exchange.which": "调度",
    "exchange.which_a": "A",
    "exchange.which_all": "全部",
    "exchange.which_wide": "全部，每个一列",
    "exchange.too_many": "max_steps={steps} 太多，无法逐步导出（最多 {limit}）；图表仍精确显示。",
    "exchange.download_button": "下载每一步的学习率（{rows} 行，{format}）",
    # 论文用的导出：列名、名称附带文件、图片尺寸与可编辑的标签
    "exchange.download_names": "下载各调度的名称与设置（JSON）",
    "exchange.download_names_help": "哪一列（或哪个 `schedule` 值）对应哪个调度，以及它的完整名称和设置。",
    "exchange.columns_help": "列：`step`，然后是 `learning_rate`（一个调度）或 `learning_rate_A`、`learning_rate_B`……（每个调度一列）；pandas 和 pgfplots 可直接读取。",
    "exchange.image_width": "图片宽度（像素）",
    "exchange.image_height": "图片高度（像素）",
    "exchange.image_scale": "缩放倍数",
    "exchange.image_width_default": "{width}",
    "exchange.image_height_default": "图表自身高度",
    "exchange.image_scale_default": "{scale}",
    "exchange.image_bad_whole": "{name}：{value} 必须是 {low} 到 {high} 之间的整数；改用 {used}。",
    "exchange.image_bad_scale": "{name}：{value} 必须是 {low} 到 {high} 之间的数字；改用 {used}。",
    "exchange.edit_labels": "导出前编辑标签",
    "exchange.edit_labels_help": "点击图表标题、坐标轴标题或图例名称即可修改，然后用相机图标保存。更改任何设置后，图表会恢复原来的标签。",
    "exchange.image": "图表图片",
    "exchange.image_help": "点图表右上角的相机图标即可按此尺寸保存为 {format}，包含标题和图例。",
    "exchange.schedule": "调度",
    "exchange.code_note": "每个调度设置都写了出来：TRL 的配置有自己的默认值。",
    "exchange.import_help": (
        "粘贴 TrainingArguments(...) 或 SFTConfig(...) 调用（或整个 .py 文件）、Python 字典、JSON、YAML（TRL、"
        "LLaMA-Factory、axolotl）或命令行（`swift sft --…`），或上传 training_args.json、YAML 配置或 .sh 脚本。只读取字面量，"
        "不执行任何代码。配置中未写明的设置采用其工具的默认值。"
    ),
    "exchange.into": "导入到调度",
    "exchange.text": "要导入的设置",
    "exchange.apply": "导入粘贴的设置",
    "exchange.file": "或上传文件",
    "exchange.pasted": "粘贴的文本",
    "exchange.failed": "{name}：{message}",
    "exchange.as": "{given}（作为 {name}）",
    "exchange.deepspeed": "已从 {name} 读取 DeepSpeed 配置，用于调度 A（其调度器：{scheduler}）；图中显示在它之下实际运行的调度。",
    "exchange.deepspeed_remove": "移除 DeepSpeed 配置",
    "exchange.imported": "已从 {source} 导入到 {letter}：{used}。",
    "exchange.not_used": "未使用：{items}。",
    "exchange.ignored": "非调度设置，已忽略：{items}。",
    "exchange.nothing": "调度 A 能绘制之后才有可导出的内容。",
    "exchange.tool": "按 {tool} 读取。",
    "exchange.tool_defaults": "未写明的设置采用 {tool} 的默认值：{settings}。",
    "exchange.more": "{shown} 等 {count} 项",
    "gallery.title": "调度器一览",
    "gallery.intro": (
        "所安装 transformers 的全部调度器类型，使用相同的 learning_rate、warmup_steps 和 max_steps"
        "（在下方设置）。把任意一个加到调度页，即可与那里已有的调度对比并编辑它。"
    ),
    "gallery.open": "对比 {name}",
    "gallery.full": "调度页已经对比了 {count} 个调度，已达上限：先在那里删除一个，再把 {name} 加进来。",
    "gallery.metric_driven": "跟随指标而非步数：没有训练日志就没有曲线。",
    "playhead.play": "播放",
    "playhead.pause": "暂停",
    "playhead.step": "步",
    "playhead.readout": "第 {step} 步 · epoch {epoch} · {phase} · 学习率 {lr} · 峰值的 {percent}",
    "playhead.readout_no_epoch": "第 {step} 步 · {phase} · 学习率 {lr} · 峰值的 {percent}",
    "playhead.schedule": "{letter} 学习率 {lr}",
    "playhead.past_end": "第 {step} 步 · {letter} 已结束",
    "phase.warmup": "预热",
    "phase.stable": "平稳",
    "phase.decay": "衰减",
    "phase.restart": "第 {n} 次重启",
    "phase.constant": "恒定",
    "learn.title": "学习：预热（warmup）",
    "learn.intro": "一堂配有实时图表的小课。在侧栏或这里的滑块修改设置：每条曲线都由 transformers 自己的 get_scheduler 计算。",
    "learn.what.title": "1. 预热做了什么",
    "learn.what.body": (
        "在最初的预热步数内，学习率从零（某些调度器从一个下限）逐步升到峰值 learning_rate。"
        "预热结束后，由调度本身的形状接管：线性或余弦衰减、平稳期加衰减期（WSD）、周期重启，或保持恒定。"
    ),
    "learn.what.slider": "warmup_steps（max_steps 的比例）",
    "learn.why.title": "2. 为什么有用",
    "learn.why.body": (
        "- **Adam 的矩估计一开始不准。** 最初几次更新时，二阶矩估计只基于少数梯度，实际步长噪声很大；"
        "较小的学习率让这些更新保持很小，直到估计稳定。\n"
        "- **大批量**允许（也需要）较大的峰值学习率；逐步达到峰值可以避免突然的大学习率带来的早期不稳定。\n"
        "- **学习率过高会发散**：刚初始化的网络梯度大且尺度不佳；预热让网络先进入峰值学习率也安全的区域。"
    ),
    "learn.choose.title": "3. 如何选择",
    "learn.choose.body": (
        "常见做法是全部步数的百分之几（1–10 %）。warmup_steps 可以是步数（≥ 1）或 max_steps 的比例（< 1）。"
        "比例会**向上**取整：ceil(max_steps × warmup_steps)，按浮点计算——0.07 × 100 等于 7.000000000000001，"
        "所以是 8 个预热步。步数会被 int() **截断**：5.9 即 5。"
    ),
    "learn.choose.table": "max_steps={max_steps} 时 warmup_steps → num_warmup_steps",
    "learn.quirk.title": "4. 第 1 步的学习率为 0",
    "learn.quirk.body": (
        "Trainer（transformers ≥ 4.51）在第 s 步记录该次更新所用的学习率：learning_rate × λ(s − 1)。"
        "线性预热时 λ(0) = 0，所以第一次更新除了优化器状态外什么都不改变，日志中的第一个 learning_rate 是 0。"
        "4.51 之前日志记录的是*下一步*的学习率，所以旧日志看起来错开了一步。"
    ),
    "learn.quirk.first": "第 1 步学习率：{first} · 第 2 步学习率：{second}",
    "learn.args.title": "5. 在 TrainingArguments 和 SFTConfig 中",
    "learn.args.body": (
        "两者使用相同的参数名。transformers 5 中 warmup_steps 是浮点数，warmup_ratio 已移除；"
        "TRL 的 SFTConfig 有自己的默认值（learning_rate=2e-05），所以请把每个调度设置都写明。"
    ),
    "learn.formulas.title": "6. 各调度器的公式",
    "learn.formulas.body": (
        "记预热步数为 w，n = max_steps，步索引 k = s − 1（第 s 步使用 learning_rate × λ(k)）。调整参数，曲线随之变化。"
    ),
    "learn.formulas.pick": "调度器",
    "learn.formulas.kwargs": "参数",
}

CATALOGUE = {"en": EN, "zh": ZH}


def language() -> str:
    """The page's language: the sidebar's choice (set from the link's `lang=` at first)."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in CATALOGUE else DEFAULT_LANGUAGE


def t(key: str, /, **values: object) -> str:
    """The current language's text for `key`, formatted with `values`."""
    text = CATALOGUE[language()].get(key) or EN[key]
    return text.format(**values) if values else text


def labels(prefix: str):
    """A widget's `format_func`: option -> the text of `prefix + option` in the current language,
    fixed when the widget is drawn (the function may be called outside the page's run)."""
    strings = CATALOGUE[language()]
    return lambda option: strings.get(f"{prefix}{option}") or EN[f"{prefix}{option}"]


def scheduler_line(name: str, fallback: str) -> str:
    """The one-line description of scheduler type `name`; `fallback` (already safe to show) for a
    type newer than the catalogue."""
    return t(f"scheduler.{name}") if has(f"scheduler.{name}") else fallback


def kwarg_line(scheduler: str, kwarg: str, fallback: str) -> str:
    """Our help line for `kwarg` of scheduler type `scheduler` (its record names the key);
    `fallback` (already safe to show: transformers' docstring) for a kwarg newer than the catalogue."""
    key = scheduler_types.of(scheduler).kwarg_text_key(kwarg)
    return t(key) if has(key) else fallback


def figure_labels() -> figures.Labels:
    """Every word a chart shows, in the page's language."""
    marks = {kind: t(f"mark.{kind}") for kind in BREAKPOINTS}
    names = ("step_axis", "epoch_axis", "breakpoints", "configured", "raw", "smoothed", "hover_step", "hover_epoch")
    words = {name: t(f"fig.{name}") for name in names}
    return figures.Labels(**words, logged=t("fig.logged"), final=t("fig.final"), marks=marks)


def say(item: object, *, markdown: bool = True) -> str:
    """A library `Note`, or an error that carries one, in the page's language; escaped for
    markdown (the values it quotes may be user text) unless `markdown=False` (chart text).
    Plain English for one that has no note."""
    escape = plain if markdown else str
    note = item if isinstance(item, Note) else getattr(item, "note", None)
    if note is None or not has(note.key):
        return escape(str(item))
    return t(
        note.key,
        **{k: say(v, markdown=markdown) if isinstance(v, Note) else escape(human(v)) for k, v in note.values.items()},
    )


def schedule_name(letter: str, parts: list) -> str:
    """A schedule's legend name from `comparison.names`, in the page's language (chart text)."""
    text = " · ".join(say(p, markdown=False) for p in parts)
    return t("describe.letter", letter=letter, text=text) if letter else text


def has(key: str) -> bool:
    """Whether the catalogue has `key` (a scheduler type newer than the catalogue has none)."""
    return key in EN
