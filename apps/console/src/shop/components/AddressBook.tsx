import { useState } from 'react';
import { Button, Dialog, Form, Input } from 'antd-mobile';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useAction } from '../../api/useAction';
import { normalizePhone } from '../../lib/phone';
import { keys, type Address } from '../api';
import { fieldProblems } from '../problems';
import { ProblemLine } from './ProblemLine';

interface AddressValues {
  label?: string;
  building: string;
  room: string;
  recipientName?: string;
  phone?: string;
}

const blankToNull = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

/** Adds or edits one address; the API's field problems land next to their fields. */
function AddressForm({
  campusId,
  editing,
  onDone,
}: {
  campusId: string;
  editing: Address | null;
  onDone: (saved: Address | null) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AddressValues>();
  const save = useAction(
    (v: AddressValues) => {
      const phone = blankToNull(v.phone);
      const body = {
        label: blankToNull(v.label),
        building: v.building.trim(),
        room: v.room.trim(),
        recipientName: blankToNull(v.recipientName),
        phone: phone ? (normalizePhone(phone) ?? phone) : null,
      };
      return editing
        ? ok(api.PATCH('/api/me/addresses/{id}', { params: { path: { id: editing.id } }, body }))
        : ok(
            api.POST('/api/me/addresses', {
              body: {
                campusId,
                building: body.building,
                room: body.room,
                ...(body.label ? { label: body.label } : {}),
                ...(body.recipientName ? { recipientName: body.recipientName } : {}),
                ...(body.phone ? { phone: body.phone } : {}),
              },
            }),
          );
    },
    {
      onSuccess: (saved) => {
        void queryClient.invalidateQueries({ queryKey: keys.addresses });
        onDone(saved);
      },
      onError: (err) => {
        const fields = fieldProblems(err, t);
        if (fields.length) form.setFields(fields as never);
      },
    },
  );
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <div className="shop-address-form" data-testid="address-form">
      <Form
        form={form}
        name="address"
        layout="vertical"
        requiredMarkStyle="none"
        initialValues={
          editing
            ? {
                label: editing.label ?? '',
                building: editing.building,
                room: editing.room,
                recipientName: editing.recipientName ?? '',
                phone: editing.phone ?? '',
              }
            : {}
        }
        onFinish={(v) => save.run(v)}
        footer={
          <div className="shop-actions">
            <Button type="submit" color="primary" loading={save.busy}>
              {t('shop.address.save')}
            </Button>
            <Button onClick={() => onDone(null)}>{t('shop.address.cancel')}</Button>
          </div>
        }
      >
        <Form.Item name="building" label={t('shop.address.building')} rules={required}>
          <Input maxLength={100} autoComplete="address-line1" />
        </Form.Item>
        <Form.Item name="room" label={t('shop.address.room')} rules={required}>
          <Input maxLength={50} autoComplete="address-line2" />
        </Form.Item>
        <Form.Item name="label" label={t('shop.address.label')}>
          <Input maxLength={30} placeholder={t('shop.address.labelPlaceholder')} />
        </Form.Item>
        <Form.Item name="recipientName" label={t('shop.address.recipientName')}>
          <Input maxLength={50} autoComplete="name" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('shop.address.phone')}
          rules={[
            {
              validator: async (_: unknown, v: string | undefined) => {
                if (v && v.trim() && !normalizePhone(v)) throw new Error(t('validation.phone'));
              },
            },
          ]}
        >
          <Input type="tel" inputMode="tel" autoComplete="tel" />
        </Form.Item>
      </Form>
      <ProblemLine error={save.problem} />
    </div>
  );
}

export function addressLine(a: Address): string {
  return [a.label, `${a.building}, ${a.room}`, a.recipientName, a.phone].filter(Boolean).join(' · ');
}

/**
 * The saved addresses on this campus to choose from at checkout, with add / edit / delete (the
 * address book lives on the server, at most 10 per customer).
 */
export function AddressBook({
  campusId,
  addresses,
  chosen,
  onChoose,
}: {
  campusId: string;
  addresses: Address[];
  chosen: string | null;
  onChoose: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Address | 'new' | null>(null);
  const here = addresses.filter((a) => a.campusId === campusId);
  const remove = useAction(
    (id: string) => ok(api.DELETE('/api/me/addresses/{id}', { params: { path: { id } } })),
    {
      onSuccess: (_, id) => {
        if (chosen === id) onChoose(null);
        void queryClient.invalidateQueries({ queryKey: keys.addresses });
      },
    },
  );
  return (
    <div>
      <div role="radiogroup" aria-label={t('shop.checkout.address')}>
        {here.map((a) => (
          <div key={a.id} className="shop-address">
            <button
              type="button"
              role="radio"
              aria-checked={chosen === a.id}
              className="shop-choice"
              onClick={() => onChoose(a.id)}
            >
              {addressLine(a)}
            </button>
            <div className="shop-address-actions">
              <button
                type="button"
                className="shop-link-button"
                aria-label={t('shop.address.editOf', { label: addressLine(a) })}
                onClick={() => setEditing(a)}
              >
                {t('shop.address.edit')}
              </button>
              <button
                type="button"
                className="shop-link-button"
                aria-label={t('shop.address.deleteOf', { label: addressLine(a) })}
                onClick={async () => {
                  if (await Dialog.confirm({ content: t('shop.address.deleteConfirm') })) remove.run(a.id);
                }}
              >
                {t('shop.address.delete')}
              </button>
            </div>
          </div>
        ))}
      </div>
      {here.length === 0 && editing === null && <p className="shop-muted">{t('shop.checkout.noAddress')}</p>}
      {here.length < addresses.length && <p className="shop-muted">{t('shop.checkout.otherCampus')}</p>}
      <ProblemLine error={remove.problem} />
      {editing === null ? (
        <Button size="small" onClick={() => setEditing('new')} disabled={addresses.length >= 10}>
          {t('shop.address.add')}
        </Button>
      ) : (
        <AddressForm
          key={editing === 'new' ? 'new' : editing.id}
          campusId={campusId}
          editing={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) onChoose(saved.id);
          }}
        />
      )}
      {addresses.length >= 10 && <p className="shop-muted">{t('shop.address.limit')}</p>}
    </div>
  );
}
