package dev.websocketchat.standalone;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;

/**
 * Takes what an upgraded connection reads around Grizzly's HTTP codec, so that the codec can let
 * go of the handshake it parsed. Left to itself, the codec keeps the handshake's request and
 * response on the connection for its whole life (some 50 each of {@code DataChunk},
 * {@code ByteChunk}, {@code CharChunk} and {@code BufferChunk}, about half an idle connection's
 * heap) only to wrap every later read in an {@code HttpContent} of that request.
 *
 * <p>This filter sits right in front of the codec. A read of an upgraded connection becomes an
 * {@code HttpContent} of one shared header and goes on right after the codec: the
 * {@link GuardFilter} and Tyrus read nothing of an upgraded connection's content but its bytes.
 * Tyrus passes on what it reads for a connection it has let go (another thread closing it);
 * {@link Leftovers}, right behind Tyrus, ends such a connection rather than let the HTTP server
 * take the bytes for a request. Other reads pass untouched. {@link #release} drops the codec's request once Tyrus has taken the
 * connection over; from then on the codec never sees the connection's reads again.
 */
final class UpgradedReads extends BaseFilter {

    /** Where the codec keeps the request it is processing: Grizzly's attributes are shared by name. */
    private static final Attribute<Object> CODEC_REQUEST =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);
    /** The header of every upgraded read: never written, and read by no filter. */
    private static final HttpRequestPacket UPGRADED =
            HttpRequestPacket.builder().method(Method.GET).uri("/").protocol(Protocol.HTTP_1_1).build();

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        ConnectionGuard guard = GuardFilter.guardOf(ctx.getConnection());
        if (guard == null || !guard.upgraded()) {
            return ctx.getInvokeAction();
        }
        Buffer bytes = ctx.getMessage();
        ctx.setMessage(HttpContent.builder(UPGRADED).content(bytes).build());
        ctx.setFilterIdx(ctx.getFilterIdx() + 1); // the codec is next: go on after it
        return ctx.getInvokeAction();
    }

    /** Drops the handshake the codec keeps for the connection; called as Tyrus takes it over. */
    static void release(Connection<?> connection) {
        CODEC_REQUEST.remove(connection);
    }

    /** Right behind Tyrus's filter: an upgraded read Tyrus passed on ends its connection, quietly. */
    static final class Leftovers extends BaseFilter {

        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            if (!(ctx.getMessage() instanceof HttpContent content) || content.getHttpHeader() != UPGRADED) {
                return ctx.getInvokeAction();
            }
            ConnectionGuard guard = GuardFilter.guardOf(ctx.getConnection());
            if (guard != null) {
                guard.forgotten();
            }
            content.getContent().tryDispose();
            return ctx.getStopAction();
        }
    }
}
