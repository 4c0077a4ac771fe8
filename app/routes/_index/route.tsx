// The app's public landing page: a shop domain form that starts the install.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { login } from "~/shopify.server";
import styles from "./styles.module.css";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return { showForm: Boolean(login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <div className={styles.index}>
      <div className={styles.content}>
        <h1 className={styles.heading}>Rappit: order operations for Shopify</h1>
        <p className={styles.text}>
          Approve cash-on-delivery orders, buy FedEx and DHL labels, send tracking back to every
          channel and keep stock right across Shopify and WooCommerce.
        </p>
        {showForm && (
          <Form className={styles.form} method="post" action="/auth/login">
            <label className={styles.label}>
              <span>Shop domain</span>
              <input className={styles.input} type="text" name="shop" placeholder="my-shop.myshopify.com" />
            </label>
            <button className={styles.button} type="submit">
              Install or log in
            </button>
          </Form>
        )}
        <ul className={styles.list}>
          <li>
            <strong>COD approvals</strong>. An admin approves each cash-on-delivery order from an
            email link, inside the Shopify admin.
          </li>
          <li>
            <strong>Labels and tracking</strong>. Labels are bought from your own carrier accounts,
            and tracking goes back to the order.
          </li>
          <li>
            <strong>One stock count</strong>. Stock is reserved across channels so nothing is
            oversold.
          </li>
        </ul>
      </div>
    </div>
  );
}
