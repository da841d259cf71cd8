import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A screen's title and its actions on the right (as "Create Webhook" in the upper-right corner). */
export function PageHeader({ title, extra }: { title: string; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="center" style={{ marginBottom: 16 }} wrap gap={8}>
      <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
      <div>{extra}</div>
    </Flex>
  );
}
