import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorSelection, EditorState, Prec, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

/** Colours from the page's variables, so the editor follows the light or dark theme. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--series-4)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--series-6)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--series-3)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.operator, tags.punctuation], color: 'var(--text)' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--series-2)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--panel)', color: 'var(--text)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 55%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--accent-soft)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--focus) 30%, transparent)',
  },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-text)',
  },
});

/** The error's position, underlined until the text changes. */
const setErrorMark = StateEffect.define<{ from: number; to: number } | null>();
const errorMark = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = tr.docChanged ? Decoration.none : marks.map(tr.changes);
    for (const effect of tr.effects)
      if (effect.is(setErrorMark))
        next = effect.value
          ? Decoration.set([
              Decoration.mark({ class: 'cm-error-mark' }).range(effect.value.from, effect.value.to),
            ])
          : Decoration.none;
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export interface SqlEditorHandle {
  focus(): void;
  insert(text: string): void;
  /** Underlines the token at a 0-based offset and puts the cursor there. */
  markError(offset: number | null): void;
}

interface SqlEditorProps {
  value: string;
  onChange: (sql: string) => void;
  onRun: () => void;
  /** Tables and their columns, for completion. */
  schema: Record<string, string[]>;
}

/** CodeMirror 6 with SQL highlighting, table/column completion and Ctrl/⌘+Enter to run. */
export const SqlEditor = forwardRef<SqlEditorHandle, SqlEditorProps>(function SqlEditor(
  { value, onChange, onRun, schema },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; value and schema are synced below
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          syntaxHighlighting(highlight),
          theme,
          errorMark,
          placeholder('SELECT … FROM customers'),
          language.current.of(sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true })),
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  callbacks.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
            indentWithTab,
          ]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': 'SQL query (Ctrl+Enter runs it; Escape then Tab leaves the editor)',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // Text set from outside (a saved query, a link) replaces the document.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: language.current.reconfigure(sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true })),
    });
  }, [schema]);

  useImperativeHandle(ref, () => ({
    focus: () => view.current?.focus(),
    insert: (text) => {
      const editor = view.current;
      if (!editor) return;
      editor.dispatch(editor.state.replaceSelection(text));
      editor.focus();
    },
    markError: (offset) => {
      const editor = view.current;
      if (!editor) return;
      if (offset === null) {
        editor.dispatch({ effects: setErrorMark.of(null) });
        return;
      }
      const doc = editor.state.doc;
      const from = Math.max(0, Math.min(offset, doc.length));
      const word = /^[\w.]+/.exec(doc.sliceString(from, Math.min(doc.length, from + 64)))?.[0].length ?? 1;
      const to = Math.min(doc.length, from + Math.max(1, word));
      editor.dispatch({
        effects: setErrorMark.of(from < to ? { from, to } : null),
        selection: EditorSelection.cursor(from),
        scrollIntoView: true,
      });
    },
  }));

  return <div className="editor" ref={host} data-testid="sql-editor" />;
});
