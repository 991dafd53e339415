/** Exports of machine definitions: DOT, Mermaid and JSON (which also reads back). */
package io.ferrum.fsm.export;
